import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from './customer.entity';

/** A purchase (orders.csv); amounts are exact decimals in the dataset's one currency. */
@Entity('orders')
@Check('orders_amount_check', '"amount" >= 0')
export class Order {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('orders_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Index('orders_customer_id_idx')
  @Column({ name: 'customer_id', type: 'bigint' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'orders_customer_id_fkey' })
  customer?: Customer;

  @Column({ type: 'numeric' })
  amount: string;

  @Index('orders_ordered_at_idx')
  @Column({ name: 'ordered_at', type: 'timestamptz' })
  orderedAt: Date;

  @Column({ type: 'text', nullable: true })
  product: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
