// Validates Kubernetes manifests (multi-document YAML files given as arguments) against the schemas of
// kubernetes-models; KEDA ScaledObjects and Prometheus Operator ServiceMonitors against theirs. Exits 1 when a
// document is invalid or of a kind it has no schema for, naming the document and the problem.
import fs from "node:fs";
import yaml from "js-yaml";

const kinds = {
  "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
  "v1/Service": ["kubernetes-models/v1/Service", "Service"],
  "v1/Secret": ["kubernetes-models/v1/Secret", "Secret"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
  "apps/v1/StatefulSet": ["kubernetes-models/apps/v1/StatefulSet", "StatefulSet"],
  "networking.k8s.io/v1/NetworkPolicy": ["kubernetes-models/networking.k8s.io/v1/NetworkPolicy", "NetworkPolicy"],
  "policy/v1/PodDisruptionBudget": ["kubernetes-models/policy/v1/PodDisruptionBudget", "PodDisruptionBudget"],
  "autoscaling/v2/HorizontalPodAutoscaler":
    ["kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler", "HorizontalPodAutoscaler"],
  "keda.sh/v1alpha1/ScaledObject": ["@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject", "ScaledObject"],
  "monitoring.coreos.com/v1/ServiceMonitor":
    ["@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor", "ServiceMonitor"],
};

let failed = false;
for (const file of process.argv.slice(2)) {
  const documents = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d);
  const valid = {};
  for (const doc of documents) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const name = `${file}: ${doc.kind} ${doc.metadata && doc.metadata.name}`;
    if (!kinds[key]) {
      console.error(`${name}: no schema known for ${key}`);
      failed = true;
      continue;
    }
    const [module, className] = kinds[key];
    try {
      const Model = (await import(module))[className];
      new Model(doc).validate();
      valid[doc.kind] = (valid[doc.kind] || 0) + 1;
    } catch (e) {
      console.error(`${name} is invalid: ${e.message}`);
      failed = true;
    }
  }
  const count = Object.values(valid).reduce((a, b) => a + b, 0);
  console.log(`${file}: ${count} of ${documents.length} documents valid ${JSON.stringify(valid)}`);
}
process.exit(failed ? 1 : 0);
