#!/usr/bin/env bash
# deploy/kubernetes/ holds what its README promises, and the Job's pod script works:
# - the manifests parse (python3-yaml; no Kubernetes schema checker is packaged in Debian 12)
#   and hold the keys that matter: an Indexed Job with completions = parallelism = the script's
#   --shard-count N, backoffLimitPerIndex 0, restartPolicy Never, a non-root user matching the
#   image's, the token from a Secret through MATOMO_TOKEN_AUTH_FILE, settings from the ConfigMap
#   with SEED and START_AT set;
# - the pod script of job.yaml, run here for every index (JOB_COMPLETION_INDEX=0..N-1) against
#   the mock, prints each summary between the markers; `merge --from-logs` of the N logs, and of
#   one log with all of them as `kubectl logs --prefix` interleaves them, equals `merge` of the
#   summary files; SIGTERM to the script drains trafficinator and still prints the summary.
source "$(dirname "$0")/lib.sh"
need_tools
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is required (apt-get install python3-yaml)"
dir=$TF_SOURCE_DIR/deploy/kubernetes

# key assertions; prints N, the pod script, the ConfigMap's run.env
python3 - "$dir" "$TF_WORK" <<'PY' || fail "deploy/kubernetes: manifest checks failed"
import re, sys, yaml
d, work = sys.argv[1], sys.argv[2]
docs = {}
for name in ("job.yaml", "configmap.yaml"):
    with open(f"{d}/{name}") as f:
        for doc in yaml.safe_load_all(f):
            docs[doc["kind"]] = doc
errors = []
def expect(what, ok):
    print(("ok: " if ok else "FAIL: ") + what, file=sys.stderr if not ok else sys.stdout)
    if not ok:
        errors.append(what)
job, cm = docs["Job"], docs["ConfigMap"]
spec, pod = job["spec"], job["spec"]["template"]["spec"]
c = pod["containers"][0]
script = c["args"][0]
n = re.search(r"--shard-count (\d+)", script)
expect("job: apiVersion batch/v1", job["apiVersion"] == "batch/v1")
expect("job: completionMode Indexed", spec.get("completionMode") == "Indexed")
expect("job: the script passes --shard-count N", n is not None)
n = int(n.group(1)) if n else 0
expect(f"job: completions = parallelism = --shard-count ({n})", spec.get("completions") == spec.get("parallelism") == n > 0)
expect("job: backoffLimitPerIndex 0 (a failed shard is never resent)", spec.get("backoffLimitPerIndex") == 0)
expect("job: restartPolicy Never", pod.get("restartPolicy") == "Never")
sc = pod.get("securityContext", {})
expect("job: non-root user 10001 (the image's)", sc.get("runAsNonRoot") is True and sc.get("runAsUser") == 10001)
env = {e["name"]: e for e in c.get("env", [])}
token = env.get("MATOMO_TOKEN_AUTH_FILE", {}).get("value", "")
mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
volumes = {v["name"]: v for v in pod.get("volumes", [])}
secret_mounts = [m for name, m in mounts.items() if "secret" in volumes.get(name, {})]
expect("job: MATOMO_TOKEN_AUTH_FILE is a file of a mounted Secret",
       any(token.startswith(m["mountPath"].rstrip("/") + "/") and m.get("readOnly") for m in secret_mounts))
expect("job: no token value in the manifest", "MATOMO_TOKEN_AUTH" not in [k for k in env if k != "MATOMO_TOKEN_AUTH_FILE"])
cm_mounts = [m for name, m in mounts.items() if volumes.get(name, {}).get("configMap", {}).get("name") == cm["metadata"]["name"]]
expect("job: the ConfigMap is mounted and its run.env given with --env-file",
       any(f"--env-file {m['mountPath'].rstrip('/')}/run.env" in script for m in cm_mounts))
expect("job: the script writes the summary and prints it between the markers",
       "--summary-json /work/summary.json" in script and "==== trafficinator summary begin ====" in script
       and "==== trafficinator summary end ====" in script)
expect("job: /work is a writable emptyDir (read-only root filesystem)",
       "emptyDir" in volumes.get("work", {}) and mounts.get("work", {}).get("mountPath") == "/work")
run_env = cm["data"]["run.env"]
keys = dict(line.split("=", 1) for line in run_env.splitlines() if "=" in line and not line.startswith("#"))
expect("configmap: SEED set (one run across the shards)", keys.get("SEED", "").isdigit())
expect("configmap: START_AT set (one start for all shards)", bool(keys.get("START_AT")))
if errors:
    sys.exit(1)
open(f"{work}/n", "w").write(str(n))
open(f"{work}/pod.sh", "w").write(script.replace("/etc/trafficinator/", f"{work}/etc/").replace("/work/", f"{work}/pod/"))
import os
os.makedirs(f"{work}/etc")
open(f"{work}/etc/run.env", "w").write(run_env)
PY
n=$(<"$TF_WORK/n")
"$TF_BIN" validate "$TF_WORK/etc/run.env" >"$TF_WORK/validate.out" 2>&1 || fail "the ConfigMap's run.env is invalid: $(cat "$TF_WORK/validate.out")"

# the pod script, one process per index, against the mock (the environment overrides run.env)
token="k8s-job-token-5e4d3c2b"
echo "$token" >"$TF_WORK/token"
cat >"$TF_WORK/mock.json" <<JSON
{"sites": [{"id": 1, "timezone": "UTC", "site_search": true, "goals": [1, 2, 3, 4, 5]}],
 "tokens": [{"token": "$token", "super": true}]}
JSON
start_mock --config "$TF_WORK/mock.json"
mkdir -p "$TF_WORK/bin"
ln -s "$TF_BIN" "$TF_WORK/bin/trafficinator"
pod() {  # pod K [extra env...]: runs the pod script of index K in the background; sets POD_PID
  local k=$1
  shift
  mkdir -p "$TF_WORK/pod$k"
  sed "s|$TF_WORK/pod/|$TF_WORK/pod$k/|g" "$TF_WORK/pod.sh" >"$TF_WORK/pod$k.sh"
  env PATH="$TF_WORK/bin:$PATH" JOB_COMPLETION_INDEX="$k" MATOMO_URL="$MOCK_URL" \
    MATOMO_TOKEN_AUTH_FILE="$TF_WORK/token" MATOMO_TOKEN_AUTH="$token" TARGET_VISITS_PER_DAY=1728000 \
    PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.02 VISIT_DURATION_MIN=0.1 VISIT_DURATION_MAX=0.2 "$@" \
    sh "$TF_WORK/pod$k.sh" >"$TF_WORK/pod$k.log" 2>"$TF_WORK/pod$k.err" &
  POD_PID=$!
  TF_PIDS+=("$POD_PID")
}
start_at=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
pids=()
for ((k = 0; k < n; k++)); do
  pod "$k" START_AT="$start_at" AUTO_STOP_AFTER_HOURS=0.0005
  pids+=("$POD_PID")
done
for ((k = 0; k < n; k++)); do
  TF_RUN_PID=${pids[k]}
  wait_tf 60
  check "pod $k: exit code" "0" "$RUN_RC"
  sed -n '/^==== trafficinator summary begin ====$/,/^==== trafficinator summary end ====$/p' "$TF_WORK/pod$k.log" |
    sed '1d;$d' >"$TF_WORK/pod$k.json"
  check "pod $k: the summary between the markers is the one written" "" \
    "$(diff <(jq -S . "$TF_WORK/pod$k/summary.json") <(jq -S . "$TF_WORK/pod$k.json") 2>&1 | head -3)"
  check "pod $k: sent visits" "0" "$(jv "$TF_WORK/pod$k.json" '.totals.visits | if . > 0 then 0 else 1 end')"
  check "pod $k: the token is in no output" "0" "$(cat "$TF_WORK/pod$k.log" "$TF_WORK/pod$k.err" | grep -cF "$token" || true)"
done
run_tf files merge "$TF_WORK"/pod[0-9]*/summary.json --summary-json "$TF_WORK/files.json"
check "merge of the summary files: exit code" "0" "$RUN_RC"
run_tf logs merge --from-logs "$TF_WORK"/pod[0-9]*.log --summary-json "$TF_WORK/logs.json"
check "merge --from-logs of the pods' logs: exit code" "0" "$RUN_RC"
# one log as `kubectl logs -l job-name=... --prefix` gives it, the pods' lines interleaved
for ((k = 0; k < n; k++)); do sed "s|^|[pod/trafficinator-$k-abcde/trafficinator] |" "$TF_WORK/pod$k.log" >"$TF_WORK/p$k"; done
paste -d '\n' "$TF_WORK"/p[0-9]* | grep -v '^$' >"$TF_WORK/all.log"
run_tf all merge --from-logs "$TF_WORK/all.log" --summary-json "$TF_WORK/all.json"
check "merge --from-logs of one interleaved, prefixed log: exit code" "0" "$RUN_RC"
strip() { jq -S 'del(.elapsed_s, .generator.cpu_percent, .visit_rate.achieved)' "$1"; }
check "merge --from-logs = merge of the files" "" "$(diff <(strip "$TF_WORK/files.json") <(strip "$TF_WORK/logs.json") | head -3)"
check "merge --from-logs (interleaved) = merge of the files" "" "$(diff <(strip "$TF_WORK/files.json") <(strip "$TF_WORK/all.json") | head -3)"
check "merged: $n shards" "$n" "$(jv "$TF_WORK/logs.json" .shards)"
check_accounting "$TF_WORK/logs.json"
check_delivered "$TF_WORK/logs.json"
assert_bracket "$TF_WORK/logs.json"

# SIGTERM to the pod script (Kubernetes deleting the pod): trafficinator drains, the summary is printed
pod 0 AUTO_STOP_AFTER_HOURS=1 START_AT=
wait_for_file_line "$TF_WORK/pod0.err" "seed [0-9]+" 30 || fail "pod 0 did not start: $(cat "$TF_WORK/pod0.err")"
kill -TERM "$POD_PID"
TF_RUN_PID=$POD_PID
wait_tf 30
check "SIGTERM to the pod script: trafficinator's exit code" "130" "$RUN_RC"
check "SIGTERM to the pod script: the summary is printed" "1" "$(grep -c '^==== trafficinator summary end ====$' "$TF_WORK/pod0.log")"
# one pod of N: merge names the missing shards and exits 1 unless --allow-partial
run_tf term merge --from-logs "$TF_WORK/pod0.log"
check "SIGTERM to the pod script: its log alone misses shards" "1" "$RUN_RC"
run_tf term merge --from-logs "$TF_WORK/pod0.log" --allow-partial --summary-json "$TF_WORK/term.json"
# --allow-partial accepts the missing shards; the exit code is then the merged thresholds' verdict
# (a pod stopped right after its start may have acked nothing: acked>0 fails)
verdict=$(jq -r 'if all(.thresholds[]; .ok) then 0 else 1 end' "$TF_WORK/term.json")
check "SIGTERM to the pod script: its log merges (--allow-partial), exit = thresholds' verdict" "$verdict" "$RUN_RC"
check "SIGTERM to the pod script: missing shards only warned" "0" "$(grep -c 'error: missing shard' "$TF_WORK/term.err" || true)"
stop_mock
finish
