# The Lambda container image of aws-exec: the bundled handler (one ESM file, the web page
# and the registered commands inside) on the AWS Lambda Node.js base image, with the
# PostgreSQL client tools for db-copy's schema step, and nothing else.
#
#   docker buildx build --provenance=false -t aws-exec .      (bin/ensure.sh does this)
#
# test/deploy/dockerfile.test.ts checks that the base image, the CMD and the copied paths
# match the bundle that test/deploy/bundle.test.ts proves.

# Build: install (no install scripts: nothing native is needed to bundle), build the page,
# bundle the handler to dist/lambda/index.mjs.
FROM public.ecr.aws/docker/library/node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm run bundle

# Run: Amazon Linux 2023 with Node.js 22 and the Lambda runtime interface.
FROM public.ecr.aws/lambda/nodejs:22
# pg_dump and psql (PostgreSQL 16; use 17 when the servers you copy are newer than 16).
ARG PG_MAJOR=16
RUN dnf install -y "postgresql${PG_MAJOR}" && dnf clean all && rm -rf /var/cache/dnf \
    && pg_dump --version && psql --version
COPY --from=build /src/dist/lambda/index.mjs ${LAMBDA_TASK_ROOT}/
CMD ["index.handler"]
