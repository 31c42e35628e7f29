# Build stage: the same steps as CI (`npm ci`, `npm run build`), then only the production
# dependencies are kept. src/deploy/dockerfile.spec.ts checks these facts.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# dist/ holds the app, its compiled migrations, the CLIs and the console's static files.
RUN npm run build
RUN npm prune --omit=dev

# Run stage: production dependencies and the build only, as a non-root user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
# 1883 serves only the embedded broker, used when MQTT_URL is unset.
EXPOSE 3000 1883
# Readiness, not liveness: /health answers 503 while the database or the broker is not usable.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
