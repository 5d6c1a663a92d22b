/**
 * The DIND app's generated type ids and schema hash (ENGINE-SPEC §11.5,
 * `echo-dind-tests/src/generated/type_ids.rs`, `codecs.rs`).
 *
 * Frozen — and surprising: although upstream documents each constant as `make_type_id(label)`,
 * the bytes are SHA-256("type:" ‖ label), NOT BLAKE3. Do not use `makeTypeId` for these. The
 * DIND motion type therefore differs from warp-core's `MOTION_V2_TYPE_ID` (payload.ts).
 *
 * `SCHEMA_HASH_HEX` is an opaque constant from a code generator outside the repository; no code
 * derives it. Every `.eintlog` header must carry it.
 */
import { fromHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import type { TypeId } from '../ident';

/** SHA-256("type:" ‖ label): the id scheme of the generated DIND type ids. @public */
export function generatedTypeId(label: string): TypeId {
  return sha256(utf8('type:' + label)) as TypeId;
}

/** @public */ export const TYPEID_PAYLOAD_MOTION_V2: TypeId = generatedTypeId('payload/motion/v2');
/** @public */ export const TYPEID_STATE_NAV_OPEN: TypeId = generatedTypeId('state/nav_open');
/** @public */ export const TYPEID_STATE_ROUTE_PATH: TypeId = generatedTypeId('state/route_path');
/** @public */ export const TYPEID_STATE_THEME: TypeId = generatedTypeId('state/theme');
/** @public */ export const TYPEID_STATE_KV: TypeId = generatedTypeId('state/kv');
/** Unused by the kernel. @public */ export const TYPEID_VIEW_OP_MOVEENTITY: TypeId = generatedTypeId('view_op/MoveEntity');
/** Legacy helpers only. @public */ export const TYPEID_VIEW_OP_ROUTEPUSH: TypeId = generatedTypeId('view_op/RoutePush');
/** Legacy helpers only. @public */ export const TYPEID_VIEW_OP_SETTHEME: TypeId = generatedTypeId('view_op/SetTheme');
/** @public */ export const TYPEID_VIEW_OP_SHOWTOAST: TypeId = generatedTypeId('view_op/ShowToast');
/** Legacy helpers only. @public */ export const TYPEID_VIEW_OP_TOGGLENAV: TypeId = generatedTypeId('view_op/ToggleNav');

/** Labels of every generated type id, in the order of the upstream file. @public */
export const GENERATED_TYPE_LABELS: readonly string[] = Object.freeze([
  'payload/motion/v2',
  'state/nav_open',
  'state/route_path',
  'state/theme',
  'state/kv',
  'view_op/MoveEntity',
  'view_op/RoutePush',
  'view_op/SetTheme',
  'view_op/ShowToast',
  'view_op/ToggleNav',
]);

/** The kernel's schema hash (lowercase hex). @public */
export const SCHEMA_HASH_HEX = '0427e9fd236e92dfc8c0765f7bd429fc233bfbfab3cb67c9d03b22a0f31e7f8a';

/** The schema hash bytes (a fresh copy each call). @public */
export function schemaHashBytes(): Uint8Array {
  return fromHex(SCHEMA_HASH_HEX);
}
