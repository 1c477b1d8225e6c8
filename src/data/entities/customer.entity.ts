import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A customer of the help desk (customers.csv). */
@Entity('customers')
@Check('customers_churn_after_signup', '"churned_at" IS NULL OR "churned_at" >= "signed_up_at"')
export class Customer {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('customers_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Index('customers_tier_idx')
  @Column({ type: 'text' })
  tier: string;

  @Column({ type: 'text', nullable: true })
  product: string | null;

  @Index('customers_signed_up_at_idx')
  @Column({ name: 'signed_up_at', type: 'timestamptz' })
  signedUpAt: Date;

  @Index('customers_churned_at_idx')
  @Column({ name: 'churned_at', type: 'timestamptz', nullable: true })
  churnedAt: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
