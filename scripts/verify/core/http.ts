// Plain HTTP(S) GETs of the components' health endpoints on 127.0.0.1.

import http from 'node:http';
import https from 'node:https';

export interface TextResponse {
  status: number | undefined;
  body: string;
}

function get(mod: typeof http | typeof https, url: string, options: https.RequestOptions, timeoutMs: number): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { ...options, timeout: timeoutMs }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        data += d;
      });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export function httpGet(url: string, timeoutMs = 5000): Promise<TextResponse> {
  return get(http, url, {}, timeoutMs);
}

/** GET an https URL of a component (self-signed serving cert: not verified, loopback only). */
export function httpsGet(url: string, timeoutMs = 5000): Promise<TextResponse> {
  return get(https, url, { rejectUnauthorized: false }, timeoutMs);
}
