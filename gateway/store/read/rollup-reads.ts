/** The back office's figures, read from the hourly rollups (gateway/store/rollups.ts), never from `events`. */
import type { ReadSource } from './read-source.js'

export interface HourTotal {
  hour: number
  metric: string
  count: number
  amount: number
}

export interface KeyTotal {
  metric: string
  key: string
  count: number
  amount: number
}

export class RollupReads {
  constructor(private readonly source: ReadSource) {}

  /** Per hour and metric over [fromHour, toHour), keys summed. */
  hourly(fromHour: number, toHour: number): HourTotal[] {
    return this.source
      .query(
        `SELECT hour, metric, sum(count) AS count, sum(amount) AS amount FROM rollup_hourly
         WHERE hour >= ? AND hour < ? GROUP BY hour, metric ORDER BY hour`,
      )
      .all(fromHour, toHour) as HourTotal[]
  }

  /** Per metric and key over [fromHour, toHour) (campaigns, partner stores, channels). */
  byKey(fromHour: number, toHour: number): KeyTotal[] {
    return this.source
      .query(
        `SELECT metric, key, sum(count) AS count, sum(amount) AS amount FROM rollup_hourly
         WHERE hour >= ? AND hour < ? GROUP BY metric, key ORDER BY metric, key`,
      )
      .all(fromHour, toHour) as KeyTotal[]
  }
}
