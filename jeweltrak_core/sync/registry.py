"""Imports every domain's operations so their payload types register themselves."""

from jeweltrak_core.appraisals import operations as appraisal_ops
from jeweltrak_core.contacts import operations as contact_ops
from jeweltrak_core.inventory import operations as inventory_ops
from jeweltrak_core.memos import operations as memo_ops
from jeweltrak_core.payments import operations as payment_ops
from jeweltrak_core.sales import operations as sales_ops
from jeweltrak_core.store import operations as store_ops
from jeweltrak_core.work_orders import operations as work_order_ops

DOMAINS = (appraisal_ops, contact_ops, inventory_ops, memo_ops, payment_ops, sales_ops,
           store_ops, work_order_ops)
