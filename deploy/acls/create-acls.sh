#!/usr/bin/env bash
# Creates the Kafka ACLs of Braid's roles on a cluster that enforces ACLs, logged in as an administrator.
#
#   BRAID_BOOTSTRAP_SERVERS=kafka:9093 BRAID_KAFKA_PROPERTIES=admin.properties deploy/acls/create-acls.sh \
#       submitter=User:reports-app worker=User:braid-worker orchestrator=User:braid-orchestrator \
#       operator=User:oncall registry=User:braid-registry
#
# Each ROLE=PRINCIPAL runs 'braid acls ROLE --principal PRINCIPAL --apply'. Options, before or after the pairs:
#   --print                  print the kafka-acls.sh commands instead of creating the ACLs
#   --topic-prefix P         Braid's topic prefix (default braid.)
#   --worker-group G         the workers' share group (default braid-workers)
#   --registry-topic T       the embedded registry's store topic (default _braid_schemas)
#   --bootstrap-servers B, --kafka-properties F   instead of the environment variables
# The braid command is the one next to this script, or $BRAID.
set -euo pipefail
braid="${BRAID:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/braid}"
mode=(--apply)
options=()
pairs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --print) mode=() ;;
    --topic-prefix|--worker-group|--registry-topic|--bootstrap-servers|--kafka-properties)
      [ $# -ge 2 ] || { echo "create-acls.sh: $1 needs a value" >&2; exit 2; }
      options+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,14p' "$0" | cut -c3-; exit 0 ;;
    [a-z]*=*:*) pairs+=("$1") ;;
    *) echo "create-acls.sh: '$1' is not ROLE=PRINCIPAL (e.g. worker=User:braid-worker); see --help" >&2; exit 2 ;;
  esac
  shift
done
if [ ${#pairs[@]} -eq 0 ]; then
  echo "create-acls.sh: name at least one ROLE=PRINCIPAL, e.g. worker=User:braid-worker; see --help" >&2
  exit 2
fi
for pair in "${pairs[@]}"; do
  "$braid" acls "${pair%%=*}" --principal "${pair#*=}" ${mode[@]+"${mode[@]}"} ${options[@]+"${options[@]}"}
done
