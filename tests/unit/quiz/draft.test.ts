/** The answer in progress shared by the practice, interview and review widgets. */
import { describe, expect, it } from 'vitest';
import { draftResponse, emptyDraft, moveItem, toggle } from '../../../src/lib/quiz/draft.ts';
import { scoreResponse } from '../../../src/lib/quiz/scoring.ts';
import { displayOrder } from '../../../src/lib/quiz/shuffle.ts';
import type { QuestionType } from '../../../src/lib/quiz/types.ts';
import { syntheticBank } from './fixtures.ts';

const bank = syntheticBank();
const of = (type: QuestionType) => bank.find((q) => q.type === type)!;

describe('draftResponse', () => {
  it('is undefined for a blank draft, except ordering (the shown order is an answer)', () => {
    for (const type of ['single', 'code', 'multiple', 'true-false', 'numeric', 'open'] as const) {
      expect(draftResponse(of(type), emptyDraft(of(type), 1)), type).toBeUndefined();
    }
    const ordering = of('ordering');
    const draft = emptyDraft(ordering, 9);
    expect(draft.order).toEqual(displayOrder(ordering.en.items!.length, 9, ordering.id));
    expect(draftResponse(ordering, draft)).toEqual({ type: 'ordering', order: draft.order });
  });

  it('reads each widget into a response the scorer accepts', () => {
    const cases: [QuestionType, Partial<ReturnType<typeof emptyDraft>>][] = [
      ['single', { choice: 2 }],
      ['code', { choice: 0 }],
      ['multiple', { choices: [3, 0] }],
      ['true-false', { truth: false }],
      ['numeric', { numeric: 19.5 }],
      ['open', { revealed: true, ticked: [2, 0] }],
    ];
    for (const [type, fields] of cases) {
      const q = of(type);
      const response = draftResponse(q, { ...emptyDraft(q, 1), ...fields });
      expect(response, type).toBeDefined();
      expect(() => scoreResponse(q, response!)).not.toThrow();
    }
    expect(draftResponse(of('multiple'), { ...emptyDraft(of('multiple'), 1), choices: [3, 0] })).toEqual({ type: 'multiple', choices: [0, 3] });
    expect(draftResponse(of('open'), { ...emptyDraft(of('open'), 1), revealed: true, ticked: [2, 0] })).toEqual({ type: 'open', ticked: [0, 2] });
  });

  it('an emptied or invalid number field is no answer; an open question read but with nothing ticked is one', () => {
    const numeric = of('numeric');
    expect(draftResponse(numeric, { ...emptyDraft(numeric, 1), numeric: null })).toBeUndefined();
    expect(draftResponse(numeric, { ...emptyDraft(numeric, 1), numeric: Number.NaN })).toBeUndefined();
    expect(draftResponse(numeric, { ...emptyDraft(numeric, 1), numeric: 0 })).toEqual({ type: 'numeric', value: 0 });
    const open = of('open');
    expect(draftResponse(open, { ...emptyDraft(open, 1), revealed: true })).toEqual({ type: 'open', ticked: [] });
  });
});

describe('toggle and moveItem', () => {
  it('toggle adds a missing value and removes a present one', () => {
    expect(toggle([1, 3], 2)).toEqual([1, 3, 2]);
    expect(toggle([1, 3], 3)).toEqual([1]);
  });

  it('moveItem swaps with the neighbour and leaves the ends alone', () => {
    expect(moveItem([0, 1, 2], 1, -1)).toEqual([1, 0, 2]);
    expect(moveItem([0, 1, 2], 1, 1)).toEqual([0, 2, 1]);
    expect(moveItem([0, 1, 2], 0, -1)).toEqual([0, 1, 2]);
    expect(moveItem([0, 1, 2], 2, 1)).toEqual([0, 1, 2]);
  });
});
