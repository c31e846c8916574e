# Shared by the bin/ scripts (sourced, not run): usage, tool checks, env.sh.
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_ROOT

# show_usage_if_asked USAGE ARGS...: prints USAGE and exits 0 on -h or --help.
show_usage_if_asked() {
    local usage=$1
    shift
    for arg in "$@"; do
        if [ "$arg" = -h ] || [ "$arg" = --help ]; then
            echo "$usage"
            exit 0
        fi
    done
}

# require_tools TOOL...: exits 127 naming every missing tool and where to get it.
require_tools() {
    local missing=0
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            # shellcheck disable=SC2016 # the $(...) in a hint is for the reader to run
            case $tool in
                libaws) hint='go install github.com/nathants/libaws@latest, then add "$(go env GOPATH)/bin" to PATH' ;;
                docker) hint='https://docs.docker.com/engine/install/ (with buildx)' ;;
                aws) hint='the AWS CLI: apt-get install awscli, or https://aws.amazon.com/cli/' ;;
                npm | node) hint='Node.js 20.19+ with npm' ;;
                *) hint='install it' ;;
            esac
            echo "$(basename "$0") needs $tool, which is not on PATH: $hint" >&2
            missing=1
        fi
    done
    if [ "$missing" -ne 0 ]; then
        exit 127
    fi
}

# load_env: sources env.sh from the repository root (made from env.sh.template).
load_env() {
    if [ ! -f "$REPO_ROOT/env.sh" ]; then
        echo "$(basename "$0") needs $REPO_ROOT/env.sh: cp env.sh.template env.sh, then set its values" >&2
        exit 2
    fi
    # shellcheck source=/dev/null
    source "$REPO_ROOT/env.sh"
}

# set_image_facts: the account, region and ECR image of this deployment (for infra.yaml).
set_image_facts() {
    PROJECT_ACCOUNT=$(libaws aws-account)
    PROJECT_REGION=$(libaws aws-region)
    PROJECT_IMAGE="$PROJECT_ACCOUNT.dkr.ecr.$PROJECT_REGION.amazonaws.com/$PROJECT_REPO"
    export PROJECT_ACCOUNT PROJECT_REGION PROJECT_IMAGE
}

# set_deployed_digest: PROJECT_IMAGE_DIGEST of the image tagged latest in ECR, or a
# placeholder when none was pushed yet (enough for a preview or a removal).
set_deployed_digest() {
    local digest
    digest=$(aws ecr describe-images --repository-name "$PROJECT_REPO" --image-ids imageTag=latest \
        --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)
    if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
        echo "no image in ECR repository $PROJECT_REPO yet; using a placeholder digest" >&2
        digest="sha256:$(printf '0%.0s' {1..64})"
    fi
    export PROJECT_IMAGE_DIGEST=$digest
}
