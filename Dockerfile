# One image for every Warden service; the command picks the role (start | collector | triage | api).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
# Every folder bin/warden.js loads at runtime (dashboards/compose.test.ts checks the list against the imports),
# including their non-TypeScript files: schemas/migrations/*.sql, triage/rules/*.yaml, api/console/*.
COPY bin ./bin
COPY cli ./cli
COPY bus ./bus
COPY schemas ./schemas
COPY store ./store
COPY collector ./collector
COPY triage ./triage
COPY api ./api
COPY alerts ./alerts
USER node
ENTRYPOINT ["node", "bin/warden.js"]
CMD ["start"]
