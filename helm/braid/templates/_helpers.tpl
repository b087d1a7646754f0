{{- define "braid.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "braid.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "braid.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "braid.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "braid.kafkaSecured" -}}
{{- if or .Values.kafka.tls.enabled .Values.kafka.sasl.enabled .Values.kafka.extraProperties -}}true{{- end -}}
{{- end -}}

{{/* Whether the worker config has a policy section, which the orchestrator then applies at submission too. */}}
{{- define "braid.workerPolicy" -}}
{{- if regexMatch "(?m)^policy:" .Values.worker.config -}}true{{- end -}}
{{- end -}}

{{/* Environment shared by the orchestrator and the workers: Kafka, the registry, secrets. */}}
{{- define "braid.commonEnv" -}}
- name: BRAID_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
- name: BRAID_TOPIC_PREFIX
  value: {{ .Values.kafka.topicPrefix | quote }}
{{- if .Values.schemaRegistry.basicAuth.enabled }}
- name: BRAID_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ required "schemaRegistry.basicAuth.secretName is required" .Values.schemaRegistry.basicAuth.secretName }}, key: {{ .Values.schemaRegistry.basicAuth.usernameKey }}}
- name: BRAID_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.schemaRegistry.basicAuth.secretName }}, key: {{ .Values.schemaRegistry.basicAuth.passwordKey }}}
{{- end }}
- name: BRAID_REGISTRY_URL
  value: {{ .Values.schemaRegistry.url | quote }}
{{- if .Values.tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.tracing.otlpEndpoint | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .Values.tracing.sampler | quote }}
{{- end }}
{{- if include "braid.kafkaSecured" . }}
- name: BRAID_KAFKA_PROPERTIES
  value: /etc/braid/kafka/kafka.properties
{{- end }}
{{- if .Values.kafka.sasl.enabled }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef: {{ include "braid.kafkaSaslSecretRef" . }}
{{- end }}
{{- if .Values.kafka.tls.enabled }}
- name: KAFKA_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ required "kafka.tls.secretName is required" .Values.kafka.tls.secretName }}, key: {{ .Values.kafka.tls.truststorePasswordKey }}}
{{- if .Values.kafka.tls.keystoreKey }}
- name: KAFKA_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.kafka.tls.secretName }}, key: {{ .Values.kafka.tls.keystorePasswordKey }}}
{{- end }}
{{- end }}
{{- end -}}

{{- define "braid.kafkaVolumeMounts" -}}
{{- if include "braid.kafkaSecured" . }}
- name: kafka-properties
  mountPath: /etc/braid/kafka
  readOnly: true
{{- end }}
{{- if .Values.kafka.tls.enabled }}
- name: kafka-tls
  mountPath: /etc/braid/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "braid.kafkaVolumes" -}}
{{- if include "braid.kafkaSecured" . }}
- name: kafka-properties
  configMap:
    name: {{ include "braid.fullname" . }}-kafka
{{- end }}
{{- if .Values.kafka.tls.enabled }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.secretName }}
{{- end }}
{{- end -}}

{{- define "braid.probes" -}}
startupProbe:
  httpGet: {path: /health/live, port: http}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /health/live, port: http}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /health/ready, port: http}
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}

{{- define "braid.podAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Seconds in a duration written like the braid options: 30s, 2m, 1h (ms rounds up to 1 s). */}}
{{- define "braid.seconds" -}}
{{- $d := toString . -}}
{{- if hasSuffix "ms" $d -}}1
{{- else if hasSuffix "s" $d -}}{{ trimSuffix "s" $d | int }}
{{- else if hasSuffix "m" $d -}}{{ mul (trimSuffix "m" $d | int) 60 }}
{{- else if hasSuffix "h" $d -}}{{ mul (trimSuffix "h" $d | int) 3600 }}
{{- else -}}{{ fail (printf "cannot read the duration %q; write e.g. 30s, 2m or 1h" $d) }}
{{- end -}}
{{- end -}}

{{/* The Secret holding the operations API tokens: the given one, or the chart's. */}}
{{- define "braid.apiSecretName" -}}
{{- .Values.api.existingSecret | default (printf "%s-api" (include "braid.fullname" .)) -}}
{{- end }}

{{/*
The Secret key holding the whole sasl.jaas.config line: kafka.sasl.secretName's, or the chart's Secret made from
kafka.sasl.username/password. Refuses a mix, and the user name and password keys of earlier versions (which put them
into the line unescaped).
*/}}
{{- define "braid.kafkaSaslSecretRef" -}}
{{- $sasl := .Values.kafka.sasl -}}
{{- if or $sasl.usernameKey $sasl.passwordKey -}}
{{- fail "kafka.sasl.usernameKey/passwordKey are gone: put the whole sasl.jaas.config line in the Secret (key kafka.sasl.jaasConfigKey, values quoted, \\ and \" escaped), or give kafka.sasl.username and kafka.sasl.password" -}}
{{- end -}}
{{- if and $sasl.secretName (or $sasl.username $sasl.password) -}}
{{- fail "kafka.sasl: give either secretName (a Secret with the whole sasl.jaas.config line) or username and password, not both" -}}
{{- end -}}
{{- if $sasl.secretName -}}
{name: {{ $sasl.secretName }}, key: {{ required "kafka.sasl.jaasConfigKey is required" $sasl.jaasConfigKey | quote }}}
{{- else if and $sasl.username $sasl.password -}}
{name: {{ include "braid.fullname" . }}-kafka-sasl, key: sasl.jaas.config}
{{- else -}}
{{- fail "kafka.sasl.enabled needs kafka.sasl.secretName (a Secret with the whole sasl.jaas.config line) or kafka.sasl.username and kafka.sasl.password" -}}
{{- end -}}
{{- end -}}

{{/* A JAAS option value as Kafka's JaasConfig (a StreamTokenizer) reads it: in double quotes, \ and " escaped,
line breaks as \n and \r (a raw one would end the quoted string). */}}
{{- define "braid.jaasQuote" -}}
"{{ toString . | replace "\\" "\\\\" | replace "\"" "\\\"" | replace "\n" "\\n" | replace "\r" "\\r" }}"
{{- end -}}

{{/* The sasl.jaas.config line for kafka.sasl.username/password. */}}
{{- define "braid.kafkaJaasConfig" -}}
{{- $sasl := .Values.kafka.sasl -}}
{{- $module := "" -}}
{{- if eq $sasl.mechanism "PLAIN" -}}
{{- $module = "org.apache.kafka.common.security.plain.PlainLoginModule" -}}
{{- else if hasPrefix "SCRAM-" $sasl.mechanism -}}
{{- $module = "org.apache.kafka.common.security.scram.ScramLoginModule" -}}
{{- else -}}
{{- fail (printf "kafka.sasl.mechanism %s: the chart writes a JAAS line for PLAIN and SCRAM-SHA-256/512 only; put your own in a Secret (kafka.sasl.secretName)" $sasl.mechanism) -}}
{{- end -}}
{{ $module }} required username={{ include "braid.jaasQuote" $sasl.username }} password={{ include "braid.jaasQuote" $sasl.password }};
{{- end -}}

{{/* A NetworkPolicy egress rule: TCP to .ports, to .to (any destination when empty). */}}
{{- define "braid.egressTo" -}}
- ports:
    {{- range .ports }}
    - {protocol: TCP, port: {{ . }}}
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* DNS lookups. */}}
{{- define "braid.dnsEgress" -}}
- ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end -}}
