#!/usr/bin/env bash
# Prints the dependencies between dev.snailtrail packages in the built jar (jdeps) and any cycle
# among them; exits 1 when there is one. Run after `./mvnw package -DskipTests`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
snailtrail_find_jdk
jar=$(ls controller/target/snailtrail-controller-*.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] && [ -f "$jar" ] || { echo "package-cycles: the controller jar is not built; build it first: ./mvnw package -DskipTests" >&2; exit 2; }
"$JAVA_HOME/bin/jdeps" -verbose:package -e 'dev\.snailtrail.*' "$jar" 2>/dev/null \
  | awk '$1 ~ /^dev\.snailtrail/ && $3 ~ /^dev\.snailtrail/ && $1 != $3 {print $1, $3}' | sort -u \
  | python3 -c '
import sys, collections
g = collections.defaultdict(set)
for line in sys.stdin:
    a, b = line.split()
    g[a].add(b)
nodes = set(g) | {b for s in g.values() for b in s}
index, low, stack, on, cycles, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in g[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: cycles.append(sorted(comp))
for v in sorted(nodes):
    if v not in index: visit(v)
print(f"{len(nodes)} packages, {sum(len(s) for s in g.values())} dependencies between them")
for c in cycles: print("cycle:", " <-> ".join(c))
sys.exit(1 if cycles else 0)
'
