#!/bin/bash
# bash -n and shellcheck on every shell script of the project (job scripts, test harness).
#   tests/slurm/shellcheck_all.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: shellcheck_all.sh SOURCE_DIR}
cd "$src" || exit 1
if ! command -v shellcheck >/dev/null; then
  echo "shellcheck is not installed (run 'make deps')" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.sh' '*.sbatch' 2>/dev/null; ls jobscripts/*.sbatch jobscripts/*.sh tests/slurm/*.sh 2>/dev/null)
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "no shell scripts found under $src" >&2
  exit 1
fi
rc=0
for f in "${files[@]}"; do
  if ! bash -n "$f"; then
    echo "bash -n failed: $f" >&2
    rc=1
  fi
done
# -x: follow `source` lines; --shell=bash for the .sbatch files (they start with #!/bin/bash).
if ! shellcheck -x --shell=bash "${files[@]}"; then rc=1; fi
echo "checked ${#files[@]} scripts: ${files[*]}"
exit "$rc"
