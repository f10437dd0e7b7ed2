# Tetra's container image: one image for every mode.
#   docker build -t tetra .
#   docker run -p 8080:8080 -v $PWD/examples/fraud/models:/opt/ml/model tetra serve
# SageMaker runs the image with the argument "serve" and mounts the model
# repository at /opt/ml/model; Kubernetes Jobs run "batch ..." (see
# examples/fraud/kubernetes/).
FROM node:20-bookworm-slim AS build
WORKDIR /opt/tetra
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/tetra
COPY --from=build /opt/tetra /opt/tetra
ENV NODE_ENV=production \
    TETRA_REPO=/opt/ml/model
EXPOSE 8080
ENTRYPOINT ["node", "/opt/tetra/bin/tetra.js"]
CMD ["serve"]
