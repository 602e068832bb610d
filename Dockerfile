# Lantern: Node 20; Redis runs beside it (compose.yaml: a Redis Cluster, REDIS_CLUSTER_NODES; or one Redis, REDIS_URL).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsx scripts/build-web.ts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=build /app/web/dist ./web/dist
USER node
EXPOSE 3000
# Node's flags for the server: config/node-flags.json (a test keeps the two the same).
CMD ["node", "--max-semi-space-size=32", "--import", "tsx", "server/main.ts"]
