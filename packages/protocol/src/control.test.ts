import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './control.ts';
import { ProtocolError } from './version.ts';

const codeOf = (text: string): string => {
  try {
    parseClientMessage(text);
  } catch (e) {
    if (e instanceof ProtocolError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'ok';
};

describe('viewer messages', () => {
  it('accepts a viewport and an event subscription', () => {
    expect(
      parseClientMessage(
        '{"type":"viewport","from":0,"to":65536,"cells":1024,"lens":"heat","id":3}',
      ),
    ).toEqual({ type: 'viewport', from: 0, to: 65536, cells: 1024, lens: 'heat', id: 3 });
    expect(
      parseClientMessage('{"type":"viewport","run":1,"from":5,"to":9,"cells":4,"lens":"huge"}'),
    ).toEqual({ type: 'viewport', run: 1, from: 5, to: 9, cells: 4, lens: 'huge' });
    expect(parseClientMessage('{"type":"events","kinds":[]}')).toEqual({
      type: 'events',
      kinds: [],
    });
    expect(
      parseClientMessage(
        '{"type":"events","kinds":["swap_out","age"],"from":10,"to":20,"maxPerSecond":500}',
      ),
    ).toEqual({ type: 'events', kinds: ['swap_out', 'age'], from: 10, to: 20, maxPerSecond: 500 });
  });

  it('names the problem of a bad viewport or subscription', () => {
    expect(codeOf('{"type":"viewport","from":0,"to":10,"cells":4,"lens":"colour"}')).toMatch(
      /viewport\.lens: "colour" is not a lens; allowed: residency, lru, belief, heat, huge/,
    );
    expect(codeOf('{"type":"viewport","from":10,"to":10,"cells":4,"lens":"lru"}')).toMatch(
      /viewport\.to: 10 must be greater than from \(10\)/,
    );
    expect(codeOf('{"type":"viewport","from":0,"to":10,"lens":"lru"}')).toMatch(
      /viewport\.cells: required/,
    );
    expect(codeOf('{"type":"viewport","from":0,"to":10,"cells":0,"lens":"lru"}')).toMatch(
      /viewport\.cells: 0 is out of range/,
    );
    expect(codeOf('{"type":"events","kinds":"swap_out"}')).toMatch(
      /events\.kinds: expected an array/,
    );
    expect(codeOf('{"type":"events","kinds":[],"from":3}')).toMatch(/give both from and to/);
  });

  it('accepts every well-formed message and keeps its id', () => {
    expect(parseClientMessage('{"type":"play","speed":2,"id":7}')).toEqual({
      type: 'play',
      speed: 2,
      id: 7,
    });
    expect(parseClientMessage('{"type":"step"}')).toEqual({ type: 'step', refs: 1 });
    expect(parseClientMessage('{"type":"step","seconds":0.5}')).toEqual({
      type: 'step',
      seconds: 0.5,
    });
    expect(parseClientMessage('{"type":"step","until":"reclaim"}')).toEqual({
      type: 'step',
      until: 'reclaim',
    });
    expect(parseClientMessage('{"type":"seek","time":3}')).toEqual({ type: 'seek', time: 3 });
    expect(parseClientMessage('{"type":"knob","name":"limitMiB","value":96}')).toEqual({
      type: 'knob',
      name: 'limitMiB',
      value: 96,
    });
    expect(parseClientMessage('{"type":"auth","token":"abc"}')).toEqual({
      type: 'auth',
      token: 'abc',
    });
    for (const t of ['pause', 'reset', 'fork', 'keyframe'])
      expect(parseClientMessage(JSON.stringify({ type: t }))).toEqual({ type: t });
    expect(parseClientMessage('{"type":"fork","follow":true}')).toEqual({
      type: 'fork',
      follow: true,
    });
    expect(parseClientMessage('{"type":"fork","follow":false}')).toEqual({ type: 'fork' });
    expect(parseClientMessage('{"type":"lead","runId":"abc_1","token":"t"}')).toEqual({
      type: 'lead',
      runId: 'abc_1',
      token: 't',
    });
    expect(codeOf('{"type":"lead","runId":"a/b","token":"t"}')).toMatch(
      /lead\.runId: expected a run id/,
    );
    expect(codeOf('{"type":"lead","runId":"ab"}')).toMatch(
      /lead\.token: expected the run's control token/,
    );
    expect(codeOf('{"type":"fork","follow":"yes"}')).toMatch(
      /fork\.follow: expected true or false, got "yes"/,
    );
  });

  it('names the problem of each bad message', () => {
    expect(codeOf('{nope')).toMatch(/^bad_json: message is not JSON/);
    expect(codeOf('[1]')).toMatch(/^bad_message: message must be a JSON object/);
    expect(codeOf('{"type":"dance"}')).toMatch(/^unknown_type: unknown message type "dance"/);
    expect(codeOf('{"type":"step","refs":0}')).toMatch(
      /step\.refs: 0 is out of range; allowed 1 to/,
    );
    expect(codeOf('{"type":"step","refs":1.5}')).toMatch(/step\.refs: expected an integer/);
    expect(codeOf('{"type":"step","refs":1,"seconds":1}')).toMatch(
      /exactly one of refs, seconds, until/,
    );
    expect(codeOf('{"type":"seek"}')).toMatch(
      /seek: give exactly one of refIndex, time \(got none\)/,
    );
    expect(codeOf('{"type":"knob","name":"swap","value":1}')).toMatch(
      /knob\.name: "swap" is not a knob/,
    );
    expect(codeOf('{"type":"speed"}')).toMatch(/speed\.value: required/);
    expect(codeOf('{"type":"play","sped":1}')).toMatch(/play: unknown field "sped"/);
    expect(codeOf('{"type":"auth","token":""}')).toMatch(/auth\.token/);
  });
});

describe('any text at all', () => {
  it('is either a valid message or a ProtocolError, never another exception', () => {
    const objects = fc.dictionary(
      fc.constantFrom(
        'type',
        'id',
        'refs',
        'seconds',
        'until',
        'time',
        'refIndex',
        'name',
        'value',
        'token',
        'speed',
      ),
      fc.jsonValue(),
    );
    const typed = fc
      .tuple(
        fc.constantFrom(
          'auth',
          'play',
          'pause',
          'step',
          'speed',
          'reset',
          'seek',
          'knob',
          'fork',
          'keyframe',
          'x',
        ),
        objects,
      )
      .map(([type, o]) => ({ ...o, type }));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          typed.map((v) => JSON.stringify(v)),
        ),
        (text) => {
          try {
            const m = parseClientMessage(text);
            expect(typeof m.type).toBe('string');
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
