import { renderShardRouterConfig, RoutingKey, shardShares } from '../../../constructs/serving/shard-router';

describe('shardShares', () => {
  test.each([
    [1, ['*']],
    [2, ['50.00%', '*']],
    [3, ['33.33%', '33.33%', '*']],
    [7, ['14.28%', '14.28%', '14.28%', '14.28%', '14.28%', '14.28%', '*']],
  ])('%i shards → %j', (n, shares) => {
    expect(shardShares(n)).toEqual(shares);
  });

  test('explicit shares never exceed 100%', () => {
    for (const n of [3, 6, 9, 11, 999]) {
      const total = shardShares(n).slice(0, -1).reduce((sum, s) => sum + Number(s.replace('%', '')), 0);
      expect(total).toBeLessThanOrEqual(100);
    }
  });
});

describe('RoutingKey', () => {
  test.each([
    [RoutingKey.header('X-Shard-Key'), '$http_x_shard_key'],
    [RoutingKey.queryParam('user_id'), '$arg_user_id'],
  ])('%o uses %s', (key, variable) => {
    expect(key.variable).toBe(variable);
  });

  test('fails on a header name NGINX cannot map', () => {
    expect(() => RoutingKey.header('X Key')).toThrow(/prop 'name' is 'X Key'/);
  });
});

describe('renderShardRouterConfig', () => {
  const config = (hosts: string[]) => renderShardRouterConfig({ owner: 'x', shardHosts: hosts, shardPort: 9000, key: RoutingKey.header('X-Key'), resolver: 'dns.local' });

  test('one split_clients line per shard, in order, last takes the rest', () => {
    const conf = config(['a', 'b', 'c']);
    expect(conf).toMatchSnapshot();
    expect(conf).toMatch(/33\.33% a;\n\s+33\.33% b;\n\s+\*\s+c;/);
    expect(conf).toContain('resolver dns.local valid=10s');
    expect(conf).toContain('proxy_pass http://$shard_host:9000;');
    expect(conf).toContain('if ($http_x_key = "")');
  });

  test('fails with no shards', () => {
    expect(() => config([])).toThrow(/'x': prop 'shards' is 0; use 1 to 1000 shards/);
  });
});
