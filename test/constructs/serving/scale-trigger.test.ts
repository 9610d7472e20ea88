import { ScaleTrigger } from '../../../constructs/serving/scale-trigger';

describe('ScaleTrigger', () => {
  test('prometheus trigger metadata as strings', () => {
    expect(ScaleTrigger.prometheus({ serverAddress: 'https://prom.example:9090', query: 'sum(x)', threshold: 2.5 }).toSpec())
      .toEqual({ type: 'prometheus', metadata: { serverAddress: 'https://prom.example:9090', query: 'sum(x)', threshold: '2.5', activationThreshold: '0' } });
  });

  test('redis list-length trigger', () => {
    expect(ScaleTrigger.redisListLength({ address: 'redis:6379', listName: 'jobs', listLength: 10, activationListLength: 1 }).toSpec())
      .toEqual({ type: 'redis', metadata: { address: 'redis:6379', listName: 'jobs', listLength: '10', activationListLength: '1' } });
  });

  test('fails when the Prometheus address is not a URL', () => {
    expect(() => ScaleTrigger.prometheus({ serverAddress: 'prom:9090', query: 'q', threshold: 1 })).toThrow(/prop 'serverAddress' is 'prom:9090'; use an http\(s\) URL/);
  });

  test('fails when the threshold is not positive', () => {
    expect(() => ScaleTrigger.prometheus({ serverAddress: 'http://p', query: 'q', threshold: 0 })).toThrow(/prop 'threshold' is 0/);
  });

  test('fails when the query is empty', () => {
    expect(() => ScaleTrigger.prometheus({ serverAddress: 'http://p', query: ' ', threshold: 1 })).toThrow(/prop 'query' is ' '/);
  });

  test('fails when the Redis address has no port', () => {
    expect(() => ScaleTrigger.redisListLength({ address: 'redis', listName: 'l', listLength: 1 })).toThrow(/prop 'address' is 'redis'; use host:port/);
  });

  test('fails when the list length is below 1', () => {
    expect(() => ScaleTrigger.redisListLength({ address: 'r:1', listName: 'l', listLength: 0 })).toThrow(/prop 'listLength' is 0/);
  });

  test('fails when the activation threshold is negative', () => {
    expect(() => ScaleTrigger.redisListLength({ address: 'r:1', listName: 'l', listLength: 1, activationListLength: -1 })).toThrow(/prop 'activationListLength' is -1/);
  });
});
