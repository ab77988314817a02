/**
 * The learner's answer in progress, as plain data that the answer widgets edit, and the Response it
 * amounts to (undefined while it is not a complete answer yet). Practice, the mock interview and
 * review share it, so that every mode reads the widgets the same way.
 */
import { displayOrder } from './shuffle.ts';
import type { Question, Response } from './types.ts';

export interface Draft {
  /** single, code: the index of the chosen choice (authored order). */
  choice: number | undefined;
  /** multiple: the indexes ticked, in the order ticked. */
  choices: number[];
  /** true-false. */
  truth: boolean | undefined;
  /** ordering: the items top to bottom, as indexes into the correct order. */
  order: number[];
  /** numeric: what the number field holds (undefined when empty or not a number). */
  numeric: number | undefined | null;
  /** open: whether the model answer and rubric are shown (ticking comes after reading them). */
  revealed: boolean;
  /** open: the rubric points ticked. */
  ticked: number[];
}

/** A blank answer to `question`; an ordering question starts in the session's shuffled order. */
export function emptyDraft(question: Question, seed: number): Draft {
  const items = question.en.items?.length ?? 0;
  return {
    choice: undefined,
    choices: [],
    truth: undefined,
    order: question.type === 'ordering' ? displayOrder(items, seed, question.id) : [],
    numeric: undefined,
    revealed: false,
    ticked: [],
  };
}

/** The response the draft amounts to, or undefined while there is nothing to submit. */
export function draftResponse(question: Question, draft: Draft): Response | undefined {
  switch (question.type) {
    case 'single':
    case 'code':
      return draft.choice === undefined ? undefined : { type: question.type, choice: draft.choice };
    case 'multiple':
      return draft.choices.length === 0 ? undefined : { type: 'multiple', choices: [...draft.choices].sort((a, b) => a - b) };
    case 'true-false':
      return draft.truth === undefined ? undefined : { type: 'true-false', value: draft.truth };
    case 'ordering':
      return { type: 'ordering', order: [...draft.order] };
    case 'numeric':
      return typeof draft.numeric === 'number' && Number.isFinite(draft.numeric) ? { type: 'numeric', value: draft.numeric } : undefined;
    case 'open':
      // Ticking nothing after reading the rubric is an answer (it scores 0); not reading it is not.
      return draft.revealed ? { type: 'open', ticked: [...draft.ticked].sort((a, b) => a - b) } : undefined;
  }
}

/** `list` with `value` added, or removed if it was there. */
export function toggle(list: readonly number[], value: number): number[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** `order` with the item at `position` moved one place up (-1) or down (1); unchanged at an end. */
export function moveItem(order: readonly number[], position: number, by: -1 | 1): number[] {
  const target = position + by;
  if (position < 0 || position >= order.length || target < 0 || target >= order.length) return [...order];
  const copy = [...order];
  [copy[position], copy[target]] = [copy[target]!, copy[position]!];
  return copy;
}
