import { Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { ApiError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';

/**
 * Refuses a NUL character (U+0000) in any string the operation passes as an argument, literal or variable, naming the
 * argument (with the input fields leading to it, e.g. `period.timezone`). PostgreSQL cannot hold NUL in text, so such a
 * value would otherwise fail inside a statement as an internal error. `document` is the executed operation with its
 * fragments (graphql's separateOperations).
 */
export function checkNulCharacters(document: DocumentNode, variables: Record<string, unknown>): void {
  const path: string[] = [];
  visit(document, {
    Argument: { enter: (node) => void path.push(node.name.value), leave: () => void path.pop() },
    ObjectField: { enter: (node) => void path.push(node.name.value), leave: () => void path.pop() },
    VariableDefinition: { enter: (node) => void path.push(`$${node.variable.name.value}`), leave: () => void path.pop() },
    StringValue(node) {
      if (node.value.includes('\0')) refuse(path);
    },
    Variable(node, _key, parent) {
      if (isNode(parent, Kind.VARIABLE_DEFINITION)) return;
      const inside = nulPath(variables[node.name.value]);
      if (inside) refuse([...path, ...inside]);
    },
  });
}

function refuse(path: string[]): never {
  const argument = path.join('.');
  throw withHttpStatus(
    new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}: contains a NUL character (U+0000), which no text value may hold`, argument),
    400,
  );
}

/** The object keys leading to the first string holding a NUL (list positions are left out), or undefined. */
function nulPath(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.includes('\0') ? [] : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = nulPath(item);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item);
      if (found) return [key, ...found];
    }
  }
  return undefined;
}

function isNode(value: unknown, kind: Kind): value is ASTNode {
  return !!value && !Array.isArray(value) && (value as ASTNode).kind === kind;
}
