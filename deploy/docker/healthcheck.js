#!/usr/bin/env node
// The image's HEALTHCHECK: exit 0 when the gateway in this container answers 200 on its liveness
// endpoint, 1 otherwise. The gateway serves HTTPS (#15), so the check verifies its certificate
// like any client: against MXG_HEALTHCHECK_CA (the party's CA, e.g. certs/kz/ca.cert.pem), for
// the name MXG_HEALTHCHECK_URL's host (default https://localhost:<MXG_HTTP_PORT>/health/live).
'use strict';
const { readFileSync } = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const port = process.env.MXG_HTTP_PORT || '3101';
const url = new URL(process.env.MXG_HEALTHCHECK_URL || `https://localhost:${port}/health/live`);
const ca = process.env.MXG_HEALTHCHECK_CA;
const options = url.protocol === 'https:' && ca ? { ca: readFileSync(ca) } : {};
const request = (url.protocol === 'https:' ? https : http).get(
  url,
  { ...options, timeout: 4000 },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  process.stderr.write(`healthcheck: ${error.message}\n`);
  process.exit(1);
});
