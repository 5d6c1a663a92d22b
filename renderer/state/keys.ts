/** Element keys: a node or edge id is unique per warp instance, so keys carry the warp. */
import type { Hex } from '../../engine/contract/index';
import type { ElementKey } from './types';

export function elementKey(warp: Hex, id: Hex): ElementKey {
  return `${warp}/${id}`;
}

export function splitKey(key: ElementKey): { warp: Hex; id: Hex } {
  const i = key.indexOf('/');
  return { warp: key.slice(0, i), id: key.slice(i + 1) };
}
