import { describe, expect, it } from 'vitest';
import {
  curveRises,
  defaultCurve,
  errorLine,
  frameProblem,
  referenceTokens,
  riseSentence,
  stepColumn,
  traceQuery,
  type ClassicSteps,
} from './classic-model.ts';

describe('the classic view model', () => {
  it('splits a typed string as the server does: spaces, commas and semicolons', () => {
    expect(referenceTokens(' 1 2,3;4\n5  ')).toEqual(['1', '2', '3', '4', '5']);
    expect(referenceTokens('   ')).toEqual([]);
  });

  it("finds Belady's anomaly where a curve rises, and only there", () => {
    const curve = [
      { frames: 1, faults: { fifo: 12, lru: 12 } },
      { frames: 2, faults: { fifo: 12, lru: 12 } },
      { frames: 3, faults: { fifo: 9, lru: 10 } },
      { frames: 4, faults: { fifo: 10, lru: 8 } },
      { frames: 5, faults: { fifo: 5, lru: 5 } },
    ];
    const rises = curveRises(curve);
    expect(rises).toEqual([{ policy: 'fifo', from: 3, to: 4, faultsFrom: 9, faultsTo: 10 }]);
    expect(riseSentence(rises[0])).toBe('FIFO faults more with 4 frames (10) than with 3 (9)');
    expect(curveRises(curve.slice(0, 3))).toEqual([]);
  });

  it('reads a recorded step as a column: frames after it, fault, eviction, the frame holding it', () => {
    // 1 2 3 with 2 frames: fault, fault, fault evicting 1 (frame 0 now holds 3)
    const steps: ClassicSteps = {
      frameCount: 2,
      frames: [1, -1, 1, 2, 3, 2],
      faultAt: [1, 1, 1],
      evicted: [-1, -1, 1],
    };
    const tokens = ['1', '2', '3'];
    expect(stepColumn(steps, tokens, 0)).toEqual({
      reference: '1',
      frames: [1, null],
      fault: true,
      evicted: null,
      at: 0,
    });
    expect(stepColumn(steps, tokens, 2)).toMatchObject({ frames: [3, 2], evicted: 1, at: 0 });
    // hex and padded tokens name the same page as the server's number
    expect(stepColumn(steps, ['1', '02', '3'], 1).at).toBe(1);
  });

  it('places a server error at its field by the line or reference it names', () => {
    expect(errorLine('line 4: expected a page number')).toEqual({ kind: 'line', n: 4 });
    expect(errorLine('reference 3: expected a page number')).toEqual({ kind: 'reference', n: 3 });
    expect(errorLine('frames: 0 is not a frame count')).toBeNull();
  });

  it('checks frame counts as typed, saying what is wrong', () => {
    expect(frameProblem('3', 'frames')).toBeNull();
    expect(frameProblem('0', 'frames')).toMatch(/^frames: "0" is not a whole number/);
    expect(frameProblem('2.5', 'frames')).toMatch(/not a whole number/);
    expect(frameProblem('', 'curve from')).toMatch(/^curve from: ""/);
    expect(frameProblem(String(2 ** 25), 'frames')).toMatch(/more than 16777216 frames/);
  });

  it('builds the upload query and a default curve', () => {
    expect(traceQuery({ frames: 3, policies: ['fifo', 'lru'], curve: { from: 1, to: 6 } })).toBe(
      'frames=3&policies=fifo%2Clru&curveFrom=1&curveTo=6',
    );
    expect(traceQuery({ frames: 3, policies: [], curve: null })).toBe('frames=3');
    expect(defaultCurve(5)).toEqual({ from: 1, to: 6 });
    expect(defaultCurve(1000)).toEqual({ from: 1, to: 64 });
  });
});
