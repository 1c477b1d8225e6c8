import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A business calendar: a time zone, weekly opening hours and holidays. It applies to the tickets of its channels and
 * priorities (null = any); the most specific calendar matching a ticket is used, the newest of equally specific ones.
 */
@Entity('business_calendars')
export class BusinessCalendar {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('business_calendars_name_key', { unique: true })
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  timezone: string;

  @Column({ type: 'text', array: true, nullable: true })
  channels: string[] | null;

  @Column({ type: 'text', array: true, nullable: true })
  priorities: string[] | null;
}

/** One opening interval of a calendar on one ISO weekday (1 = Monday), in the calendar's local time. */
@Entity('business_hours')
@Check('business_hours_iso_dow_check', '"iso_dow" BETWEEN 1 AND 7')
@Check('business_hours_interval_check', '"opens" < "closes"')
@Index('business_hours_calendar_id_iso_dow_idx', ['calendarId', 'isoDow'])
export class BusinessHours {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'calendar_id', type: 'bigint' })
  calendarId: string;

  @ManyToOne(() => BusinessCalendar, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'calendar_id', foreignKeyConstraintName: 'business_hours_calendar_id_fkey' })
  calendar?: BusinessCalendar;

  @Column({ name: 'iso_dow', type: 'smallint' })
  isoDow: number;

  @Column({ type: 'time' })
  opens: string;

  @Column({ type: 'time' })
  closes: string;
}

/** A closed day of a calendar. */
@Entity('business_holidays')
@Index('business_holidays_calendar_id_date_key', ['calendarId', 'date'], { unique: true })
export class BusinessHoliday {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'calendar_id', type: 'bigint' })
  calendarId: string;

  @ManyToOne(() => BusinessCalendar, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'calendar_id', foreignKeyConstraintName: 'business_holidays_calendar_id_fkey' })
  calendar?: BusinessCalendar;

  @Column({ type: 'date' })
  date: string;
}
