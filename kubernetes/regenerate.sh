#!/bin/sh
# Regenerates the committed install bundle from the build: the Quarkus Kubernetes extension writes
# operator/target/kubernetes/kubernetes.yml and the operator SDK writes one CRD file per custom resource
# (<plural>.<group>-v1.yml) during `package`. Configuration: operator/src/main/resources/application.properties
# (quarkus.kubernetes.*, quarkus.operator-sdk.*) and operator/src/main/kubernetes/kubernetes.yml. `./mvnw verify` fails
# while kubernetes/ differs from what the build generates
# (operator/src/test/java/io/krmsync/bundle/InstallBundleDriftIT.java).
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -q package -DskipTests
rm -f kubernetes/crds/*.yml
mkdir -p kubernetes/crds
for f in operator/target/kubernetes/*.yml; do
  case "$(basename "$f")" in
    kubernetes.yml) cp "$f" kubernetes/krm-sync.yml ;;
    *) cp "$f" kubernetes/crds/ ;;
  esac
done
echo "kubernetes/krm-sync.yml and kubernetes/crds/ regenerated from operator/target/kubernetes/"
