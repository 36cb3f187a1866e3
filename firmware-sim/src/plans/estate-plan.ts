// One site-local day of the living estate: gates, dispensers and equipment together, from the
// state the day before left (cars parked, dispenser levels). Pure, like planDay for the patrol:
// the same site, date, seed and state give the same day.
import type { SiteConfig } from '@estate-watch/contracts';
import { planConsumables, type ConsumablesOptions, type ConsumablesState } from './consumables-plan';
import type { EstateEvent } from './estate-day';
import { planEquipment, type EquipmentOptions } from './equipment-plan';
import { planTraffic, type TrafficOptions, type TrafficState } from './traffic-plan';

export interface EstateState {
  traffic: TrafficState;
  consumables: ConsumablesState;
}

export interface EstatePlanOptions {
  traffic?: Omit<TrafficOptions, 'from'>;
  consumables?: Omit<ConsumablesOptions, 'from'>;
  equipment?: Omit<EquipmentOptions, 'from'>;
}

/** The events of site-local `date` (from instant `from` on, when the estate starts mid-day) in time order, and the state at its end. */
export function planEstateDay(site: SiteConfig, date: string, seed: number, state: EstateState, options: EstatePlanOptions = {}, from?: number): { events: EstateEvent[]; state: EstateState } {
  const traffic = planTraffic(site, date, seed, state.traffic, { ...options.traffic, from });
  const consumables = planConsumables(site, date, seed, state.consumables, { ...options.consumables, from });
  const equipment = planEquipment(site, date, seed, { ...options.equipment, from });
  const events = [...traffic.events, ...consumables.events, ...equipment].sort((a, b) => a.at - b.at);
  return { events, state: { traffic: traffic.state, consumables: consumables.state } };
}
