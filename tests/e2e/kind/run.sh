#!/usr/bin/env bash
# kind end-to-end: a real cluster, the image, the Helm chart, a 3-replica gRPC backend, the seed IngressRoute;
# checks that gRPC calls through the gateway spread over the backend pods, then deletes the cluster.
# Without a Docker engine (kind needs one) it prints "SKIPPED: no Docker engine" and exits 0.
# Never run here (no Docker). The backend is the demo (src/Switchyard.Demo, `pod` mode: one h2c
# mypackage.UserService answering with its pod name), built from tests/e2e/kind/Dockerfile.demo; the caller is
# the demo's `call` mode, which prints which backend answered each call.
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! docker info >/dev/null 2>&1; then
  echo "SKIPPED: no Docker engine"
  exit 0
fi
# helm comes from scripts/setup.d/20-tools.sh (.tools/bin/helm) when it is not on PATH.
for tool in kind kubectl helm; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x ".tools/bin/$tool" ]; then
    echo "SKIPPED: $tool not installed"
    exit 0
  fi
done
helm_bin=$(command -v helm || echo ".tools/bin/helm")

cluster="switchyard-e2e-$$"
image="switchyard:e2e"
ns="switchyard"
cleanup() { kind delete cluster --name "$cluster" >/dev/null 2>&1 || true; }
trap cleanup EXIT

kind create cluster --name "$cluster" --wait 120s
docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"
docker build -t switchyard-demo:e2e -f tests/e2e/kind/Dockerfile.demo .
kind load docker-image switchyard-demo:e2e --name "$cluster"

kubectl create namespace "$ns"
"$helm_bin" install switchyard charts/switchyard --namespace "$ns" \
  --set image.repository=switchyard --set image.tag=e2e --set image.pullPolicy=Never \
  --set gatewayAPICRDs.enabled=true --set providers.kubernetesGateway.enabled=true --wait --timeout 180s

# The gRPC backend: 3 replicas of the demo UserService (each answers with its pod name).
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: users, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: users}}
  template:
    metadata: {labels: {app: users}}
    spec:
      containers:
      - name: users
        image: switchyard-demo:e2e
        imagePullPolicy: Never
        args: ["pod", "--port", "5000"]
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        ports: [{name: grpc, containerPort: 5000}]
---
apiVersion: v1
kind: Service
metadata: {name: users, namespace: default}
spec:
  selector: {app: users}
  ports: [{name: grpc, port: 80, targetPort: grpc}]
YAML
kubectl rollout status deployment/users --timeout=180s

kubectl apply -f config/manifests/ 2>/dev/null || true
kubectl apply -f - <<'YAML'
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: users, namespace: default}
spec:
  entryPoints: [web]
  routes:
  - match: PathPrefix(`/mypackage.UserService`)
    kind: Rule
    services: [{name: users, port: grpc, scheme: h2c}]
YAML
kubectl wait ingressroute/users --for=condition=Ready --timeout=60s

kubectl -n "$ns" port-forward service/switchyard 18080:80 >/dev/null 2>&1 &
pf=$!
trap 'kill $pf 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/18080) 2>/dev/null && break; sleep 0.2; done

# 60 calls through the gateway; every backend pod must answer some of them.
dotnet run --project src/Switchyard.Demo -c Release -- call --gateway http://127.0.0.1:18080 --authority localhost --count 60 \
  | grep -o 'answered by [^ ]*' > /tmp/switchyard-kind-calls.txt
pods=$(sort -u /tmp/switchyard-kind-calls.txt | wc -l)
echo "calls answered by $pods distinct pods"
[ "$pods" -eq 3 ] || { echo "FAIL: calls did not spread over the 3 pods"; exit 1; }

# The same calls through the Gateway API: a Gateway (listener on the web entry point's port) and a GRPCRoute by
# service, once the IngressRoute is gone.
kubectl delete ingressroute/users
kubectl apply -f - <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: switchyard}
spec: {controllerName: traefik.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: switchyard
  listeners: [{name: web, port: 8000, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: users, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{method: {service: mypackage.UserService}}]
    backendRefs: [{name: users, port: 80}]
YAML
kubectl wait gateway/gw --for=condition=Programmed --timeout=60s
for _ in $(seq 1 50); do kubectl get grpcroute/users -o jsonpath='{.status.parents[0].conditions[?(@.type=="Accepted")].status}' | grep -q True && break; sleep 0.2; done
dotnet run --project src/Switchyard.Demo -c Release -- call --gateway http://127.0.0.1:18080 --authority localhost --count 60 \
  | grep -o 'answered by [^ ]*' > /tmp/switchyard-kind-calls.txt
pods=$(sort -u /tmp/switchyard-kind-calls.txt | wc -l)
echo "GRPCRoute: calls answered by $pods distinct pods"
[ "$pods" -eq 3 ] || { echo "FAIL: GRPCRoute calls did not spread over the 3 pods"; exit 1; }
echo "PASS: kind e2e"
