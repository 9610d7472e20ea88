import { propError, Where } from '../core/errors';
import { Images } from '../core/image';
import { requireValue } from '../core/required-props';

/**
 * Router image: NGINX's non-root build (listens on 8080, writes only to /tmp and
 * /var/cache/nginx), pinned. `split_clients` and variable `proxy_pass` are stock open-source NGINX.
 */
export const SHARD_ROUTER_IMAGE = Images.SHARD_ROUTER;

/** Port the router listens on. */
export const ROUTER_PORT = 8080;

/** Where the request's shard key comes from. */
export class RoutingKey {
  /** An HTTP header, e.g. `X-Shard-Key`. */
  public static header(name: string): RoutingKey {
    requireValue({ kind: 'RoutingKey', path: 'header' }, 'name', name, 'string');
    if (!/^[A-Za-z0-9-]+$/.test(name)) throw propError({ kind: 'RoutingKey', path: 'header' }, 'name', name, 'use a header name of letters, digits and "-"');
    return new RoutingKey(`header ${name}`, `$http_${name.toLowerCase().replace(/-/g, '_')}`);
  }

  /** A query parameter, e.g. `?key=`. */
  public static queryParam(name: string): RoutingKey {
    requireValue({ kind: 'RoutingKey', path: 'queryParam' }, 'name', name, 'string');
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw propError({ kind: 'RoutingKey', path: 'queryParam' }, 'name', name, 'use a parameter name of letters, digits and "_"');
    return new RoutingKey(`query parameter ${name}`, `$arg_${name}`);
  }

  private constructor(public readonly description: string, /** The NGINX variable. */ public readonly variable: string) {}
}

/** Inputs of the router configuration. */
export interface ShardRouterConfig {
  readonly owner: Where;
  /** Fully qualified host name of every shard, in shard order. */
  readonly shardHosts: readonly string[];
  readonly shardPort: number;
  readonly key: RoutingKey;
  /** DNS server NGINX resolves shard hosts with at request time. */
  readonly resolver: string;
}

/** Most shards `split_clients` can address evenly at its 0.01% granularity. */
export const MAX_ROUTED_SHARDS = 1000;

/**
 * Each shard's share of the hash space in `split_clients` percent, two decimals, the last shard
 * taking the rest (`*`): shard i owns a fixed slice of MurmurHash2(key) space for a given count.
 */
export function shardShares(shards: number): string[] {
  const share = Math.floor(10000 / shards) / 100;
  return Array.from({ length: shards }, (_, i) => (i === shards - 1 ? '*' : `${share.toFixed(2)}%`));
}

/**
 * The NGINX config (one `conf.d` file) of the shard router. `split_clients` hashes the key
 * (MurmurHash2) into fixed slices, one per shard, so a key always reaches the same shard — the one
 * holding its partition. `proxy_pass` with a variable resolves the shard's per-pod DNS name (via the
 * headless Service) at request time, so a restarted shard with a new IP is found again; a shard that
 * is down answers 502 rather than sending the key to a shard without its partition.
 */
export function renderShardRouterConfig(c: ShardRouterConfig): string {
  if (c.shardHosts.length < 1 || c.shardHosts.length > MAX_ROUTED_SHARDS) {
    throw propError(c.owner, 'shards', c.shardHosts.length, `use 1 to ${MAX_ROUTED_SHARDS} shards`);
  }
  const shares = shardShares(c.shardHosts.length);
  const width = Math.max(...shares.map((s) => s.length));
  const lines = [
    `# Routes each request by its ${c.key.description} to one of ${c.shardHosts.length} shards.`,
    `resolver ${c.resolver} valid=10s ipv6=off;`,
    '',
    `split_clients "${c.key.variable}" $shard_host {`,
    ...c.shardHosts.map((host, i) => `    ${shares[i].padEnd(width)} ${host};`),
    '}',
    '',
    'server {',
    `    listen ${ROUTER_PORT};`,
    '    location = /healthz {',
    '        access_log off;',
    '        return 200 "ok\\n";',
    '    }',
    '    location / {',
    `        if (${c.key.variable} = "") {`,
    `            return 400 "missing shard key (${c.key.description})\\n";`,
    '        }',
    `        proxy_pass http://$shard_host:${c.shardPort};`,
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_connect_timeout 5s;',
    '        proxy_read_timeout 60s;',
    '    }',
    '}',
    '',
  ];
  return lines.join('\n');
}
