/**
 * Branded identifier types, so an event ID cannot be passed where a room ID is
 * expected. Values are branded once, at the boundary where they are validated
 * (see identifiers.ts for the grammars).
 */
export type EventId = string & { readonly __brand: 'EventId' };
export type RoomId = string & { readonly __brand: 'RoomId' };
export type UserId = string & { readonly __brand: 'UserId' };
export type ServerName = string & { readonly __brand: 'ServerName' };
/** A signing key ID such as `ed25519:abc`. */
export type KeyId = string & { readonly __brand: 'KeyId' };
