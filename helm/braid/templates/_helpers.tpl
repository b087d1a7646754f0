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

{{/* Environment shared by the orchestrator and the workers: Kafka, the registry, secrets. */}}
{{- define "braid.commonEnv" -}}
- name: BRAID_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
- name: BRAID_TOPIC_PREFIX
  value: {{ .Values.kafka.topicPrefix | quote }}
{{- if .Values.schemaRegistry.basicAuth.enabled }}
- name: REGISTRY_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ required "schemaRegistry.basicAuth.secretName is required" .Values.schemaRegistry.basicAuth.secretName }}, key: {{ .Values.schemaRegistry.basicAuth.usernameKey }}}
- name: REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.schemaRegistry.basicAuth.secretName }}, key: {{ .Values.schemaRegistry.basicAuth.passwordKey }}}
- name: BRAID_REGISTRY_URL
  value: {{ regexReplaceAll "^(https?://)" .Values.schemaRegistry.url "${1}$(REGISTRY_USERNAME):$(REGISTRY_PASSWORD)@" | quote }}
{{- else }}
- name: BRAID_REGISTRY_URL
  value: {{ .Values.schemaRegistry.url | quote }}
{{- end }}
{{- if include "braid.kafkaSecured" . }}
- name: BRAID_KAFKA_PROPERTIES
  value: /etc/braid/kafka/kafka.properties
{{- end }}
{{- if .Values.kafka.sasl.enabled }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ required "kafka.sasl.secretName is required" .Values.kafka.sasl.secretName }}, key: {{ .Values.kafka.sasl.usernameKey }}}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.kafka.sasl.secretName }}, key: {{ .Values.kafka.sasl.passwordKey }}}
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
