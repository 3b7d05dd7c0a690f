#!/usr/bin/env bash
# Transformers from Scratch: one entry point for students and for the test suite.
#
#   ./course.sh lab     create the environment (first run), copy the release notebooks into
#                       my-work/ (never overwriting your work) and open JupyterLab there
#   ./course.sh test    create the environment (first run) and run the whole test suite
#   ./course.sh hub     (root) set up and start the class JupyterHub: ./course.sh hub --help
#
# Needs Python 3.11+ and pip. The environment lives in .venv/ (override with COURSE_VENV);
# COURSE_EXTRAS adds optional extras to it (e.g. hub,browser for the browser tests, as CI does).
set -euo pipefail
cd "$(dirname "$0")"
VENV="${COURSE_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        echo "creating the environment in $VENV ..."
        "$PYTHON" -m venv "$VENV"
    fi
    # shellcheck disable=SC1091
    . "$VENV/bin/activate"   # nbgrader shells out to alembic: the venv's bin must be on PATH
    local stamp extras="test${COURSE_EXTRAS:+,$COURSE_EXTRAS}"
    stamp="$VENV/.installed-$(cat pyproject.toml <(echo "$extras") | sha1sum | cut -c1-12)"
    if [ ! -e "$stamp" ]; then
        python -m pip install --quiet --upgrade pip
        python -m pip install --quiet -e ".[$extras]"
        touch "$stamp"
    fi
}

# The test suite only: PyTorch (CPU build) and transformers, so the cross-checks against them run
# (tests/test_ch04_torch_parity.py, test_ch08_torch.py, test_ch11_fixture.py; they skip without).
# Students never need them. The CPU wheel of torch is ~190 MB (the default Linux wheel pulls
# several GB of CUDA libraries): it is taken from pip's configured sources; if they lack it, the
# cross-checks are skipped and the suite still runs.
TORCH_VERSION="2.13.0"
setup_test_extras() {
    local stamp="$VENV/.installed-torch-$TORCH_VERSION"
    [ -e "$stamp" ] && return 0
    if python -m pip install --quiet "torch==$TORCH_VERSION+cpu"; then
        python -m pip install --quiet transformers && touch "$stamp"
    else
        echo "note: no CPU build of torch $TORCH_VERSION reachable; the torch cross-checks will be skipped"
    fi
}

case "${1:-}" in
    lab)
        setup
        mkdir -p my-work
        for chapter in release/ch*/; do
            name="$(basename "$chapter")"
            [ -e "my-work/$name" ] || cp -r "$chapter" "my-work/$name"
        done
        shift
        echo "Your notebooks are in my-work/. Check an exercise with: python -m course check ch01"
        # self-study: Validate stays; the Assignments panel, Formgrader and Create Assignment,
        # which need a class exchange or an instructor's course, are switched off (deploy/self-study)
        export JUPYTER_CONFIG_PATH="$PWD/deploy/self-study${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
        exec jupyter lab --notebook-dir=my-work "$@"
        ;;
    test)
        setup
        setup_test_extras
        shift
        export COURSE_FAST=1
        exec python -m pytest -n 2 --dist loadgroup "$@"
        ;;
    hub)
        COURSE_EXTRAS="hub${COURSE_EXTRAS:+,$COURSE_EXTRAS}" setup
        shift
        exec python -m course.hub "$@"
        ;;
    *)
        sed -n '2,11p' "$0"
        exit 2
        ;;
esac
