// Budget arithmetic, free of VS Code: which budgets a request would pass, and which warning
// levels spending has crossed. Days and months are the user's local ones (usage.ts keys).
import { dayKey, monthKey } from './usage';

export type BudgetName = 'session' | 'daily' | 'monthly';

/** USD; 0 means no limit. */
export interface BudgetLimits {
  session: number;
  daily: number;
  monthly: number;
}

/** USD spent so far in each window of time. */
export interface Spent {
  session: number;
  daily: number;
  monthly: number;
}

export interface BudgetState {
  name: BudgetName;
  limitUsd: number;
  spentUsd: number;
}

const NAMES: readonly BudgetName[] = ['daily', 'monthly', 'session'];

/** The budgets that spending `addUsd` more would take past their limit (or that are already spent), most binding first. */
export function budgetsPassedBy(spent: Spent, limits: BudgetLimits, addUsd: number): BudgetState[] {
  const passed: BudgetState[] = [];
  for (const name of NAMES) {
    const limit = limits[name];
    if (limit <= 0) continue;
    if (spent[name] + Math.max(0, addUsd) > limit || spent[name] >= limit) passed.push({ name, limitUsd: limit, spentUsd: spent[name] });
  }
  return passed.sort((a, b) => (a.limitUsd - a.spentUsd) - (b.limitUsd - b.spentUsd));
}

export type WarningLevel = 80 | 100;

export interface CrossedLevel extends BudgetState {
  level: WarningLevel;
  /** Names the level once per period: `daily:2026-11-30:80`, `monthly:2026-11:100`, `session:<id>:80`. */
  key: string;
}

/** The warning levels spending has reached, highest first per budget; `sessionId` scopes the session budget. */
export function crossedLevels(spent: Spent, limits: BudgetLimits, at: Date, sessionId: string): CrossedLevel[] {
  const out: CrossedLevel[] = [];
  for (const name of NAMES) {
    const limit = limits[name];
    if (limit <= 0) continue;
    const period = name === 'daily' ? dayKey(at) : name === 'monthly' ? monthKey(at) : sessionId;
    const level: WarningLevel | undefined = spent[name] >= limit ? 100 : spent[name] >= 0.8 * limit ? 80 : undefined;
    if (level) out.push({ name, limitUsd: limit, spentUsd: spent[name], level, key: `${name}:${period}:${level}` });
  }
  return out;
}

const LABEL: Record<BudgetName, string> = { daily: 'daily budget', monthly: 'monthly budget', session: 'session budget' };
const SETTING: Record<BudgetName, string> = { daily: 'bedrockLlama.dailyBudgetUsd', monthly: 'bedrockLlama.monthlyBudgetUsd', session: 'bedrockLlama.budgetUsd' };
const SPENT_WHEN: Record<BudgetName, string> = { daily: 'today', monthly: 'this month', session: 'in this session' };

export function budgetLabel(name: BudgetName): string {
  return LABEL[name];
}

export function budgetSetting(name: BudgetName): string {
  return SETTING[name];
}

export function spentWhen(name: BudgetName): string {
  return SPENT_WHEN[name];
}
