import { separateOperations, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/**
 * The document of one operation: the operation and the fragments it uses, without the other operations a document may
 * carry (what runs, for checks and the audit log, whatever else the caller put beside it).
 */
export function executedOperationDocument(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  return separateOperations(document)[operation.name?.value ?? ''] ?? { kind: document.kind, definitions: [operation] };
}
