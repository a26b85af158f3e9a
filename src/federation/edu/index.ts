/** EDUs: typing notifications and read receipts. See doc/federation.md, "Server ACLs and EDUs". */
export {
  type RoomReceipts,
  readReceipts,
  readTyping,
  receiptEdu,
  type TypingEdu,
  typingEdu,
} from './edu-shapes.js';
export {
  DEFAULT_TYPING_TIMEOUT_MS,
  type EduChange,
  type EduListener,
  EduState,
  type EduStateOptions,
  type ReadReceipt,
} from './edu-state.js';
export { FederationEdus, type FederationEdusOptions } from './federation-edus.js';
export { type EduOutcome, EduReceiver, type EduReceiverOptions } from './receive-edus.js';
export { EduSender, type EduSenderOptions } from './send-edus.js';
