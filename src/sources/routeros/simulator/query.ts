/**
 * RouterOS print queries (`?name`, `?-name`, `?name=x`, `?<name=x`, `?>name=x`, `?#ops`), evaluated on
 * a boolean stack exactly as the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API) describes. Pure functions, no I/O.
 */
import type { SimRow } from './profile.js';

/** A query word with its leading `?` removed, in sentence order. */
export type QueryWord = string;

/**
 * The evaluation stack. Below the explicit values lie infinitely many `true`s, so reading past the
 * bottom yields true and an item matches when no explicit `false` remains.
 */
class QueryStack {
  private values: boolean[] = [];

  push(value: boolean): void {
    this.values.push(value);
  }

  pop(): boolean {
    return this.values.pop() ?? true;
  }

  /** Value at `index` counted from the top (top = 0). */
  peek(index: number): boolean {
    return this.values[this.values.length - 1 - index] ?? true;
  }

  replaceAll(value: boolean): void {
    this.values = [value];
  }

  get matches(): boolean {
    return !this.values.includes(false);
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * Orders two values for `?<` and `?>`: numerically when both are numbers (BigInt for integers,
 * so counters above 2^53 compare exactly), as strings otherwise.
 */
export function compareValues(left: string, right: string): number {
  if (INTEGER.test(left) && INTEGER.test(right)) {
    const a = BigInt(left);
    const b = BigInt(right);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (DECIMAL.test(left) && DECIMAL.test(right)) return Math.sign(Number(left) - Number(right));
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Runs the `?#` operation string on the stack. */
function applyOperations(stack: QueryStack, operations: string): void {
  let index = 0;
  let previousWasIndex = false;
  while (index < operations.length) {
    const char = operations[index]!;
    if (char >= '0' && char <= '9') {
      let end = index;
      while (end < operations.length && operations[end]! >= '0' && operations[end]! <= '9') end += 1;
      const position = Number(operations.slice(index, end));
      if (end === operations.length) stack.replaceAll(stack.peek(position));
      else stack.push(stack.peek(position));
      index = end;
      previousWasIndex = true;
      continue;
    }
    switch (char) {
      case '!':
        stack.push(!stack.pop());
        break;
      case '&': {
        const a = stack.pop();
        const b = stack.pop();
        stack.push(a && b);
        break;
      }
      case '|': {
        const a = stack.pop();
        const b = stack.pop();
        stack.push(a || b);
        break;
      }
      case '.':
        if (!previousWasIndex) stack.push(stack.peek(0));
        break;
      default:
        throw new QuerySyntaxError(`unknown query operation "${char}" in ?#${operations}`);
    }
    previousWasIndex = false;
    index += 1;
  }
}

/** A query word the simulator cannot parse; answered with a category-1 trap. */
export class QuerySyntaxError extends Error {
  override name = 'QuerySyntaxError';
}

/** Applies one query word to the stack for `row`. */
function applyWord(stack: QueryStack, row: SimRow, word: QueryWord): void {
  if (word.startsWith('#')) {
    applyOperations(stack, word.slice(1));
    return;
  }
  const operator = word[0];
  if (operator === '<' || operator === '>') {
    const { name, value } = splitComparison(word.slice(1), word);
    const actual = row[name];
    const order = actual === undefined ? undefined : compareValues(actual, value);
    stack.push(order !== undefined && (operator === '<' ? order < 0 : order > 0));
    return;
  }
  if (operator === '-') {
    stack.push(!Object.hasOwn(row, word.slice(1)));
    return;
  }
  // `?=name=x` is an alternative spelling of `?name=x`.
  const body = operator === '=' ? word.slice(1) : word;
  const equals = body.indexOf('=');
  if (equals < 0) {
    stack.push(Object.hasOwn(row, body));
    return;
  }
  const { name, value } = splitComparison(body, word);
  stack.push(row[name] === value);
}

function splitComparison(body: string, word: string): { name: string; value: string } {
  const equals = body.indexOf('=');
  if (equals <= 0) throw new QuerySyntaxError(`malformed query word ?${word}`);
  return { name: body.slice(0, equals), value: body.slice(equals + 1) };
}

/** True when `row` passes the query words (no words: every row passes). Throws QuerySyntaxError. */
export function matchesQuery(row: SimRow, words: readonly QueryWord[]): boolean {
  if (words.length === 0) return true;
  const stack = new QueryStack();
  for (const word of words) applyWord(stack, row, word);
  return stack.matches;
}
