# One image for every Warden service; the command picks the role (start | collector | triage | api).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY bus ./bus
COPY cli ./cli
COPY collector ./collector
COPY triage ./triage
COPY store ./store
COPY api ./api
COPY schemas ./schemas
USER node
ENTRYPOINT ["node", "bin/warden.js"]
CMD ["start"]
