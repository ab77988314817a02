/** The quiz, mock interview and review logic: pure, JSON-serialisable, no DOM, no Node. */
export * from './types.ts';
export * from './scoring.ts';
export * from './shuffle.ts';
export * from './bank.ts';
export * from './budget.ts';
export * from './practice.ts';
export { DIFFICULTY_SHARES, planInterview } from './plan.ts';
export { FOLLOW_UP_THRESHOLD } from './follow-ups.ts';
export * from './interview.ts';
export { WEAK_TOPIC_THRESHOLD, type InterviewReport, type ReportAnswer, type TopicScore } from './report.ts';
export * from './review.ts';
