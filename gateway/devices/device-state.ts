/** Device states as the manager, /api/status and the bus report them. */
export type DeviceState = 'connecting' | 'online' | 'offline' | 'error'

export interface DeviceStateChange {
  deviceId: string
  state: DeviceState
  /** Why offline/error, e.g. `not_found`, `disconnected`, `permission_denied`. */
  reason: string | null
  detail: string | null
  at: string
}
