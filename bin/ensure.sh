#!/usr/bin/env bash
# Builds the image (page + bundle inside the Dockerfile's build stage), pushes it to ECR,
# and ensures the infrastructure of infra.yaml with that image's digest.
set -euo pipefail
USAGE='usage: bash bin/ensure.sh'
# shellcheck source=bin/lib.sh
source "$(dirname "$0")/lib.sh"
show_usage_if_asked "$USAGE" "$@"
require_tools libaws docker aws
load_env
cd "$REPO_ROOT"

set_image_facts
echo "image: $PROJECT_IMAGE"
libaws ecr-ensure "$PROJECT_REPO" 2>&1 | sed 's/^/libaws: /'
libaws ecr-login 2>&1 | sed 's/^/libaws: /'
docker buildx build --provenance=false --platform linux/amd64 --load -t "$PROJECT_IMAGE:latest" .
docker push "$PROJECT_IMAGE:latest"
repo_digest=$(docker inspect --format '{{index .RepoDigests 0}}' "$PROJECT_IMAGE:latest")
export PROJECT_IMAGE_DIGEST=${repo_digest#*@}
echo "digest: $PROJECT_IMAGE_DIGEST"

table_existed=yes
aws dynamodb describe-table --table-name "$PROJECT_TABLE" >/dev/null 2>&1 || table_existed=no
libaws infra-ensure infra.yaml 2>&1 | sed 's/^/libaws: /'
if [ "$table_existed" = no ]; then
    # libaws returns right after it creates a table, before the table's TTL step
    # (lib/dynamodb.go DynamoDBEnsure): a second pass switches TTL on (ttl=ttl in infra.yaml).
    libaws infra-ensure infra.yaml 2>&1 | sed 's/^/libaws: /'
fi

echo "deployed: $PROJECT_URL  (a key: bash bin/cli.sh auth new NAME)"
