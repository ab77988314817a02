import { describe, expect, it } from 'vitest';
import { indexBank } from '../../../src/lib/quiz/bank.ts';
import { DIFFICULTY_BUDGET_MS, questionBudgetMs } from '../../../src/lib/quiz/budget.ts';
import { FOLLOW_UP_THRESHOLD } from '../../../src/lib/quiz/follow-ups.ts';
import {
  answer,
  currentQuestion,
  elapsedMs,
  finish,
  InterviewOverError,
  isInterviewState,
  isOver,
  pause,
  remainingMs,
  report,
  resume,
  startInterview,
} from '../../../src/lib/quiz/interview.ts';
import { DIFFICULTY_SHARES } from '../../../src/lib/quiz/plan.ts';
import { WEAK_TOPIC_THRESHOLD } from '../../../src/lib/quiz/report.ts';
import { MalformedResponseError } from '../../../src/lib/quiz/scoring.ts';
import type { Bank, InterviewMinutes, InterviewState, Question, Response } from '../../../src/lib/quiz/types.ts';
import { Random } from '../../../src/lib/sim/random.ts';
import { correctResponse, MINUTE, realBank, syntheticBank, T0, wrongResponse } from './fixtures.ts';

const bank = syntheticBank();
const index = indexBank(bank);
const byId = (id: string) => index.get(id)!;
const budgetOf = (ids: readonly string[], b: ReadonlyMap<string, Question> = index) => ids.reduce((s, id) => s + questionBudgetMs(b.get(id)!), 0);
const MIN_BUDGET = DIFFICULTY_BUDGET_MS[1];

type Strategy = (q: Question, step: number) => Response | null;
const good: Strategy = (q) => correctResponse(q);
const poor: Strategy = (q) => wrongResponse(q);
/** A seeded mix of right, wrong, partial and skipped answers. */
const mixed = (seed: number): Strategy => {
  const random = new Random(seed);
  return (q) => {
    const r = random.next();
    if (r < 0.5) return correctResponse(q);
    if (r < 0.85) return wrongResponse(q);
    if (r < 0.93 && q.type === 'open') return { type: 'open', ticked: [0, 1] };
    return null;
  };
};

/** Answers every question, `stepMs` apart, until the interview is over; returns every state. */
function run(start: InterviewState, b: Bank, strategy: Strategy, stepMs = 20_000, t = T0): { states: InterviewState[]; now: number } {
  const states = [start];
  let state = start;
  let now = t;
  for (let step = 0; ; step++) {
    now += stepMs;
    if (isOver(state, now)) break;
    state = answer(state, b, strategy(currentQuestion(state, b)!, step), now);
    states.push(state);
  }
  return { states, now };
}

const start = (minutes: InterviewMinutes, seed: number, focus: string[] | 'all' = 'all', b: Bank = bank) => startInterview(b, { minutes, focus, seed, now: T0 });

describe('startInterview: the plan', () => {
  it('is reproducible from the seed, and another seed gives another plan', () => {
    const a = start(30, 5);
    expect(start(30, 5)).toEqual(a);
    const others = [6, 7, 8].map((seed) => start(30, seed).queue.map((e) => e.questionId).join());
    expect(others.some((o) => o !== a.queue.map((e) => e.questionId).join())).toBe(true);
  });

  it.each([15, 30, 45] as const)('fills %i minutes: budgets sum to at most the time, and within one short question of it', (minutes) => {
    for (let seed = 0; seed < 50; seed++) {
      const state = start(minutes, seed);
      const planned = budgetOf(state.queue.map((e) => e.questionId));
      expect(state.budgetMs).toBe(minutes * MINUTE);
      expect(planned).toBeLessThanOrEqual(minutes * MINUTE);
      expect(planned).toBeGreaterThan(minutes * MINUTE - MIN_BUDGET);
    }
  });

  it('climbs: difficulty never decreases, starting with a warm-up', () => {
    for (let seed = 0; seed < 50; seed++) {
      for (const minutes of [15, 30, 45] as const) {
        const difficulties = start(minutes, seed).queue.map((e) => byId(e.questionId).difficulty);
        expect(difficulties[0]).toBe(1);
        expect(difficulties).toEqual([...difficulties].sort());
        expect(difficulties).toContain(3);
      }
    }
  });

  it('gives each stage about its share of the time', () => {
    // Each stage fills its share to within a question; the last minutes may add a short one to an earlier stage.
    for (let seed = 0; seed < 30; seed++) {
      const state = start(45, seed);
      const time = (d: 1 | 2 | 3) => budgetOf(state.queue.map((e) => e.questionId).filter((id) => byId(id).difficulty === d));
      for (const d of [1, 2, 3] as const) expect(Math.abs(time(d) - DIFFICULTY_SHARES[d] * 45 * MINUTE), `stage ${d}, seed ${seed}`).toBeLessThan(6 * MINUTE);
    }
  });

  it('mixes topics in proportion to the bank within the focus', () => {
    for (const focus of ['all', ['alpha', 'gamma', 'epsilon']] as const) {
      const topics = focus === 'all' ? ['alpha', 'beta', 'gamma', 'delta', 'epsilon'] : [...focus];
      const pool = bank.filter((q) => topics.includes(q.topic));
      const share = (t: string) => pool.filter((q) => q.topic === t).length / pool.length;
      const totals = new Map<string, number>();
      let all = 0;
      for (let seed = 0; seed < 400; seed++) {
        const queue = start(45, seed, focus === 'all' ? 'all' : [...focus]).queue.map((e) => byId(e.questionId));
        expect(queue.every((q) => topics.includes(q.topic))).toBe(true);
        all += queue.length;
        for (const t of topics) {
          const n = queue.filter((q) => q.topic === t).length;
          // In each interview, within two questions of the topic's share (a topic with one question
          // per difficulty cannot always catch up once a stage had no room for its question)...
          expect(Math.abs(n - share(t) * queue.length), `${t}, seed ${seed}`).toBeLessThan(2);
          totals.set(t, (totals.get(t) ?? 0) + n);
        }
      }
      // ...and on average over seeds, close to the share.
      for (const t of topics) expect(totals.get(t)! / all, t).toBeCloseTo(share(t), 1);
    }
  });

  it('lets a short interview over many topics ask small topics too, not always the largest', () => {
    const firstTopics = new Set<string>();
    for (let seed = 0; seed < 100; seed++) firstTopics.add(byId(start(15, seed).queue[0]!.questionId).topic);
    expect(firstTopics.size).toBe(5);
  });

  it('asks every question of a focus too small to fill the time', () => {
    const state = start(45, 1, ['epsilon']);
    expect(state.queue.map((e) => e.questionId).sort()).toEqual(bank.filter((q) => q.topic === 'epsilon').map((q) => q.id).sort());
  });

  it('rejects bad options', () => {
    expect(() => startInterview(bank, { minutes: 20 as 15, focus: 'all', seed: 1, now: T0 })).toThrow(/15, 30 or 45/);
    expect(() => startInterview(bank, { minutes: 15, focus: ['nope'], seed: 1, now: T0 })).toThrow(/"nope"/);
    expect(() => startInterview(bank, { minutes: 15, focus: [], seed: 1, now: T0 })).toThrow(/at least one topic/);
    expect(() => startInterview(bank, { minutes: 15, focus: 'all', seed: -1, now: T0 })).toThrow(/seed/);
    expect(() => startInterview(bank, { minutes: 15, focus: 'all', seed: 1, now: Number.NaN })).toThrow(/now/);
  });
});

describe('answering: follow-ups, no repeats, the budget', () => {
  it('puts a good answer’s follow-up next, drilling down a chain', () => {
    let state = start(45, 2);
    const chains: string[][] = [];
    let now = T0;
    while (!isOver(state, (now += 10_000))) {
      const q = currentQuestion(state, bank)!;
      state = answer(state, bank, good(q, 0), now);
      const last = state.answers.at(-1)!;
      if (last.origin === 'follow-up') chains.at(-1)!.push(last.questionId);
      else chains.push([last.questionId]);
    }
    // alpha-d1-q0 → alpha-d2-q0 → alpha-d3-q0 exists in the bank; answered well, some chain climbs all the way.
    expect(chains.some((c) => c.length >= 3)).toBe(true);
    expect(state.answers.filter((a) => a.origin === 'follow-up').length).toBeGreaterThan(2);
  });

  it.each([
    ['good answers', () => good],
    ['poor answers', () => poor],
    ['a mix', (seed: number) => mixed(seed)],
  ] as const)('with %s: every step keeps the rules', (_name, makeStrategy) => {
    for (let seed = 0; seed < 40; seed++) {
      for (const [minutes, focus] of [[45, 'all'], [30, ['alpha', 'beta']], [15, ['gamma', 'delta', 'epsilon']]] as const) {
        const s0 = start(minutes, seed, focus === 'all' ? 'all' : [...focus]);
        const { states } = run(s0, bank, makeStrategy(seed));
        const topics = new Set(s0.topics);
        for (let i = 1; i < states.length; i++) {
          const before = states[i - 1]!;
          const after = states[i]!;
          const answered = after.answers.at(-1)!;
          const q = byId(answered.questionId);
          const rest = before.queue.slice(1);
          const asked = new Set(after.answers.map((a) => a.questionId));

          // Never twice: not among earlier answers, and nothing answered is still queued.
          expect(after.answers.length).toBe(asked.size);
          expect(after.queue.some((e) => asked.has(e.questionId))).toBe(false);
          // The budgets of everything asked and queued never exceed the time.
          expect(budgetOf([...asked, ...after.queue.map((e) => e.questionId)])).toBeLessThanOrEqual(s0.budgetMs);

          if (answered.score < FOLLOW_UP_THRESHOLD) {
            // A poor answer: move on; the queue is untouched.
            expect(after.queue).toEqual(rest);
          } else {
            // A good answer: an eligible follow-up (in the focus, never asked, and waiting or fitting) comes next.
            // The time committed: what was asked, and the follow-ups already waiting (planned ones can be dropped).
            let committed = budgetOf([...asked]) + budgetOf(rest.filter((e) => e.origin === 'follow-up').map((e) => e.questionId));
            const eligible = q.followUps.filter((id) => {
              const f = index.get(id);
              if (!f || !topics.has(f.topic) || asked.has(id)) return false;
              const waiting = rest.find((e) => e.questionId === id);
              if (waiting?.origin === 'follow-up') return true;
              if (!waiting && committed + questionBudgetMs(f) > s0.budgetMs) return false;
              committed += questionBudgetMs(f);
              return true;
            });
            if (eligible.length > 0) {
              expect(after.queue[0]).toEqual({ questionId: eligible[0], origin: 'follow-up', followUpOf: q.id });
              expect(after.queue.slice(0, eligible.length).map((e) => e.questionId)).toEqual(eligible);
            } else {
              expect(after.queue).toEqual(rest);
            }
          }
        }
        const last = states.at(-1)!;
        // Follow-ups only ever follow good answers to the question they drill into.
        for (const a of last.answers.filter((x) => x.origin === 'follow-up')) {
          const parent = last.answers.find((x) => x.questionId === a.followUpOf)!;
          expect(parent.score).toBeGreaterThanOrEqual(FOLLOW_UP_THRESHOLD);
          expect(byId(parent.questionId).followUps).toContain(a.questionId);
          expect(last.answers.indexOf(parent)).toBeLessThan(last.answers.indexOf(a));
        }
        // The climb: planned questions come in non-decreasing difficulty; only follow-ups may step back.
        const planned = last.answers.filter((a) => a.origin === 'plan').map((a) => byId(a.questionId).difficulty);
        expect(planned).toEqual([...planned].sort());
        // Every question of the focus.
        expect(last.answers.every((a) => topics.has(byId(a.questionId).topic))).toBe(true);
      }
    }
  });

  it('never asks a follow-up outside the focus', () => {
    // alpha-d1-q0 is followed up by beta-d2-q0 (after two alpha follow-ups).
    let drilled = 0;
    let crossed = 0;
    for (let seed = 0; seed < 60; seed++) {
      const alphaOnly = run(start(45, seed, ['alpha']), bank, good).states.at(-1)!.answers;
      if (alphaOnly.some((a) => a.questionId === 'alpha-d1-q0')) drilled++;
      expect(alphaOnly.every((a) => byId(a.questionId).topic === 'alpha')).toBe(true);
      // With beta in the focus too, the same drill-down may cross into beta.
      const both = run(start(45, seed, ['alpha', 'beta']), bank, good).states.at(-1)!.answers;
      if (both.some((a) => a.questionId === 'beta-d2-q0' && a.followUpOf === 'alpha-d1-q0')) crossed++;
    }
    expect(drilled).toBeGreaterThan(5);
    expect(crossed).toBeGreaterThan(0);
  });

  it('with all poor answers asks only the plan, in order', () => {
    const s0 = start(30, 9);
    const { states } = run(s0, bank, poor, 10_000);
    const last = states.at(-1)!;
    expect(last.answers.map((a) => a.questionId)).toEqual(s0.queue.map((e) => e.questionId));
    expect(last.status).toBe('finished');
    expect(last.endedBy).toBe('plan');
  });

  it('rejects a malformed response and leaves the state as it was', () => {
    const s0 = start(15, 1);
    const q = currentQuestion(s0, bank)!;
    const bad: Response = q.type === 'true-false' ? { type: 'numeric', value: 1 } : { type: 'true-false', value: true };
    const copy = structuredClone(s0);
    expect(() => answer(s0, bank, bad, T0 + 1000)).toThrow(MalformedResponseError);
    expect(s0).toEqual(copy);
  });

  it('does not mutate the state it is given', () => {
    const s0 = start(15, 1);
    const copy = structuredClone(s0);
    const s1 = answer(s0, bank, good(currentQuestion(s0, bank)!, 0), T0 + 5000);
    expect(s0).toEqual(copy);
    expect(s1).not.toEqual(s0);
  });
});

describe('the clock', () => {
  it('counts time per question, and paused time does not count', () => {
    let state = start(15, 4);
    expect(remainingMs(state, T0)).toBe(15 * MINUTE);
    state = answer(state, bank, null, T0 + 30_000);
    expect(state.answers[0]!.timeMs).toBe(30_000);

    state = pause(state, T0 + 40_000); // 10 s into the second question
    expect(state.status).toBe('paused');
    expect(remainingMs(state, T0 + 40_000)).toBe(15 * MINUTE - 40_000);
    expect(remainingMs(state, T0 + 3 * 3_600_000)).toBe(15 * MINUTE - 40_000); // hours later: frozen
    expect(isOver(state, T0 + 3 * 3_600_000)).toBe(false);
    expect(() => answer(state, bank, null, T0 + 50_000)).toThrow(/paused/);
    expect(pause(state, T0 + 60_000)).toBe(state); // pausing twice changes nothing

    state = resume(state, T0 + 10 * MINUTE + 40_000);
    expect(resume(state, T0 + 11 * MINUTE)).toBe(state);
    expect(remainingMs(state, T0 + 10 * MINUTE + 40_000)).toBe(15 * MINUTE - 40_000);
    state = answer(state, bank, null, T0 + 10 * MINUTE + 60_000);
    // 10 s before the pause plus 20 s after it.
    expect(state.answers[1]!.timeMs).toBe(30_000);
    expect(state.answers[1]!.shownAtMs).toBe(30_000);
    expect(elapsedMs(state, T0 + 10 * MINUTE + 60_000)).toBe(60_000);
  });

  it('runs out of time: no more answers, the cut-off question is reported unanswered', () => {
    let state = start(15, 4);
    state = answer(state, bank, good(currentQuestion(state, bank)!, 0), T0 + MINUTE);
    const pending = state.queue[0]!.questionId;
    expect(isOver(state, T0 + 15 * MINUTE - 1)).toBe(false);
    expect(remainingMs(state, T0 + 15 * MINUTE - 1)).toBe(1);
    expect(isOver(state, T0 + 15 * MINUTE)).toBe(true);
    expect(remainingMs(state, T0 + 20 * MINUTE)).toBe(0);
    expect(() => answer(state, bank, null, T0 + 15 * MINUTE)).toThrow(InterviewOverError);

    const done = finish(state, T0 + 20 * MINUTE);
    expect(done).toMatchObject({ status: 'finished', endedBy: 'time', elapsedMs: 15 * MINUTE, clockAt: null });
    expect(currentQuestion(done, bank)).toBeNull();
    expect(() => answer(done, bank, null, T0 + 20 * MINUTE)).toThrow(InterviewOverError);
    const r = report(done, bank);
    expect(r.answered).toBe(1);
    expect(r.unanswered).toBe(pending);
    expect(r.notReached).toBe(state.queue.length - 1);
  });

  it('lets the learner stop early', () => {
    const state = answer(start(30, 4), bank, null, T0 + MINUTE);
    expect(finish(state, T0 + 2 * MINUTE)).toMatchObject({ status: 'finished', endedBy: 'learner', elapsedMs: 2 * MINUTE });
  });

  it('adds nothing for a clock that went backwards', () => {
    const state = start(15, 4);
    expect(remainingMs(state, T0 - 5 * MINUTE)).toBe(15 * MINUTE);
  });
});

describe('the state is plain JSON', () => {
  it('continues identically after a JSON round trip in the middle (running and paused)', () => {
    for (let seed = 0; seed < 15; seed++) {
      const strategy = () => mixed(1000 + seed);
      let a = start(45, seed);
      const sa = strategy();
      let now = T0;
      for (let i = 0; i < 6; i++) a = answer(a, bank, sa(currentQuestion(a, bank)!, i), (now += 25_000));
      a = pause(a, (now += 5_000));

      // Store and read back, as IndexedDB or localStorage would.
      const text = JSON.stringify(a);
      let b = JSON.parse(text) as InterviewState;
      expect(b).toEqual(a);
      expect(JSON.stringify(b)).toBe(text);

      // The same strategy (a fresh copy replayed to the same point) drives both on.
      const sb = strategy();
      for (let i = 0; i < 6; i++) sb(currentQuestion(start(45, seed), bank)!, i);
      a = resume(a, now + MINUTE);
      b = resume(b, now + MINUTE);
      let t = now + MINUTE;
      for (let i = 6; !isOver(a, (t += 40_000)); i++) {
        expect(isOver(b, t)).toBe(false);
        a = answer(a, bank, sa(currentQuestion(a, bank)!, i), t);
        b = JSON.parse(JSON.stringify(answer(b, bank, sb(currentQuestion(b, bank)!, i), t))) as InterviewState;
        expect(b).toEqual(a);
      }
      expect(isOver(b, t)).toBe(true);
      expect(report(b, bank)).toEqual(report(a, bank));
    }
  });

  it('the guard accepts every state of a session and rejects damaged ones', () => {
    const { states } = run(start(30, 3), bank, mixed(3));
    const paused = pause(states[2]!, T0 + 100_000);
    for (const s of [...states, paused]) expect(isInterviewState(JSON.parse(JSON.stringify(s)))).toBe(true);
    const s = states[1]!;
    expect(isInterviewState(null)).toBe(false);
    expect(isInterviewState({ ...s, version: 2 })).toBe(false);
    expect(isInterviewState({ ...s, minutes: 20 })).toBe(false);
    expect(isInterviewState({ ...s, clockAt: null })).toBe(false); // running without a clock
    expect(isInterviewState({ ...s, queue: [{ questionId: 'x', origin: 'bonus', followUpOf: null }] })).toBe(false);
    expect(isInterviewState({ ...s, answers: [{ ...s.answers[0]!, score: 'high' }] })).toBe(false);
  });

  it('same seed, same answers, same times: the same session', () => {
    const a = run(start(30, 77), bank, mixed(5)).states;
    const b = run(start(30, 77), bank, mixed(5)).states;
    expect(b).toEqual(a);
  });
});

describe('report', () => {
  it('scores, breaks down by topic, times every answer and shows the right one', () => {
    // Right on alpha, wrong on everything else, 30 s per question.
    const strategy: Strategy = (q) => (q.topic === 'alpha' ? correctResponse(q) : wrongResponse(q));
    const { states } = run(start(45, 12), bank, strategy, 30_000);
    const final = states.at(-1)!;
    const r = report(final, bank);

    expect(r.answered).toBe(final.answers.length);
    expect(r.correct).toBe(final.answers.filter((a) => byId(a.questionId).topic === 'alpha').length);
    expect(r.score).toBeCloseTo(r.correct / r.answered, 12);
    expect(r.answers.every((a) => a.timeMs === 30_000)).toBe(true);
    expect(r.answers.map((a) => a.questionId)).toEqual(final.answers.map((a) => a.questionId));
    for (const a of r.answers) {
      const q = byId(a.questionId);
      expect(a.expected).toEqual(correctResponse(q));
      expect(a.budgetMs).toBe(questionBudgetMs(q));
      expect(a.topic).toBe(q.topic);
    }
    const alpha = r.topics.find((t) => t.topic === 'alpha')!;
    expect(alpha).toMatchObject({ correct: alpha.asked, score: 1 });
    expect(r.topics.at(-1)!.topic).toBe('alpha'); // weakest first, so the strongest last
    expect(r.weakTopics.map((t) => t.topic).sort()).toEqual(r.topics.filter((t) => t.topic !== 'alpha').map((t) => t.topic).sort());
    expect(r.weakTopics.every((t) => t.score < WEAK_TOPIC_THRESHOLD)).toBe(true);
    expect(r.topics.reduce((n, t) => n + t.asked, 0)).toBe(r.answered);
  });

  it('sorts weak topics weakest first, with partial credit', () => {
    const b = [
      ...['a1', 'a2'].map((id) => ({ ...byId('alpha-d1-q0'), id, topic: 'ta', followUps: [] })),
      ...['b1', 'b2'].map((id) => ({ ...byId('alpha-d1-q0'), id, topic: 'tb', followUps: [] })),
      ...['c1', 'c2'].map((id) => ({ ...byId('alpha-d1-q0'), id, topic: 'tc', followUps: [] })),
    ];
    const scoreOf: Record<string, boolean> = { a1: true, a2: false, b1: false, b2: false, c1: true, c2: true };
    const { states } = run(startInterview(b, { minutes: 15, focus: 'all', seed: 1, now: T0 }), b, (q) =>
      scoreOf[q.id] ? correctResponse(q) : wrongResponse(q),
    );
    const r = report(states.at(-1)!, b);
    expect(r.topics.map((t) => [t.topic, t.score])).toEqual([
      ['tb', 0],
      ['ta', 0.5],
      ['tc', 1],
    ]);
    expect(r.weakTopics.map((t) => t.topic)).toEqual(['tb', 'ta']);
    expect(r.score).toBeCloseTo(0.5, 12);
    expect(r.endedBy).toBe('plan');
    expect(r.unanswered).toBeNull();
  });

  it('counts an open answer’s partial credit and a skip as 0', () => {
    const open = bank.filter((q) => q.type === 'open' && q.difficulty === 1);
    expect(open.length).toBeGreaterThan(0);
    const b = open.map((q) => ({ ...q, followUps: [] }));
    const { states } = run(startInterview(b, { minutes: 15, focus: 'all', seed: 3, now: T0 }), b, (_q, step) => (step === 0 ? { type: 'open', ticked: [0, 1, 2] } : null));
    const r = report(states.at(-1)!, b);
    expect(r.answers[0]).toMatchObject({ score: 0.75, correct: true });
    if (r.answers.length > 1) expect(r.answers[1]).toMatchObject({ score: 0, correct: false, response: null });
  });
});

describe('the real bank', () => {
  const real = realBank();
  const realIndex = indexBank(real);

  it.each([15, 30, 45] as const)('plans %i minutes that fit and climb, and runs to the end under any answers', (minutes) => {
    for (let seed = 0; seed < 10; seed++) {
      const s0 = startInterview(real, { minutes, focus: 'all', seed, now: T0 });
      const ids = s0.queue.map((e) => e.questionId);
      expect(budgetOf(ids, realIndex)).toBeLessThanOrEqual(minutes * MINUTE);
      expect(budgetOf(ids, realIndex)).toBeGreaterThan(minutes * MINUTE - MIN_BUDGET);
      const d = ids.map((id) => realIndex.get(id)!.difficulty);
      expect(d).toEqual([...d].sort());
      const final = run(s0, real, mixed(seed), 15_000).states.at(-1)!;
      const asked = final.answers.map((a) => a.questionId);
      expect(new Set(asked).size).toBe(asked.length);
      expect(budgetOf([...asked, ...final.queue.map((e) => e.questionId)], realIndex)).toBeLessThanOrEqual(minutes * MINUTE);
    }
  });
});
