"""Load checked trace data into the database: factories, products, batches and serials.

:func:`check` finds the problems that need the database (enterprise, brand owners, GTIN owners,
factory references, batches named by serial lists) and returns a :class:`Plan`. :func:`write`
applies a plan without problems in the caller's transaction (it flushes, never commits), so a
failure leaves nothing once the caller rolls back. :func:`apply` does both and writes nothing
when there is any problem; :func:`import_trace_document` does the same for the command line,
the web upload and the push API, raising :class:`TraceImportError` with the problems.
A changed batch is a correction: its previous values are kept as a :class:`BatchRevision`
and its version goes up; re-importing the same data changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from formulatrust.domain.trace_format import BatchRecord, Problem, SerialRow, TraceDocument
from formulatrust.enterprises.models import Brand, Enterprise, Factory, Product
from formulatrust.scan.models import Batch, BatchRevision, RegisteredSerial

SERIAL_CHUNK = 5000  # rows per INSERT batch (and per progress step)
LOOKUP_CHUNK = 500  # values per IN (...) when loading products and batches
PRODUCT_FIELDS = ("name_zh", "name_en", "stage", "registration_no", "net_content_g")
FACTORY_FIELDS = ("name_zh", "name_en", "address_zh", "address_en")
BATCH_FIELDS = ("produced_on", "best_before", "milk_source", "raw_materials", "release_inspection")
BatchKey = tuple[str, str]  # (GTIN-14, lot)


@dataclass
class ImportSummary:
    """What an import did (or, with problems, why it did nothing)."""

    problems: list[Problem] = field(default_factory=list)
    factories_created: int = 0
    factories_updated: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    batches_created: int = 0
    batches_corrected: int = 0
    batches_unchanged: int = 0
    serials_registered: int = 0
    serials_already: int = 0


@dataclass
class Plan:
    """A document and the database records it refers to, with every problem found."""

    document: TraceDocument
    problems: list[Problem]
    enterprise: Enterprise | None = None
    brands: dict[str, Brand] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)  # existing, by GTIN-14
    factories: dict[str, Factory] = field(default_factory=dict)  # the enterprise's, by licence
    batches: dict[BatchKey, Batch] = field(default_factory=dict)  # existing

    def add(self, record: str, where: str, zh: str, en: str) -> None:
        """Add one problem."""
        self.problems.append(Problem(record, where, zh, en))


class TraceImportError(ValueError):
    """A trace document that cannot be imported; ``problems`` lists everything wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was written")
        self.problems = problems


def import_trace_document(session: Session, document: TraceDocument | Sequence[SerialRow], *,
                          enterprise_id: int | None = None, source_name: str = "API",
                          progress: Callable[[int], Any] | None = None) -> ImportSummary:
    """Check and write ``document`` in the caller's transaction (no commit).

    With ``enterprise_id``, every record must belong to that enterprise (the document's
    ``enterprise``, the products' owners, the batches named by serial rows). Raise
    :class:`TraceImportError` listing every problem, having written nothing, otherwise.
    """
    plan = check(session, document, enterprise_id=enterprise_id)
    if plan.problems:
        raise TraceImportError(plan.problems)
    return write(session, plan, source_name, progress)


def as_document(document: TraceDocument | Sequence[SerialRow]) -> TraceDocument:
    """Return ``document`` as a TraceDocument (a parsed CSV list becomes its serial rows)."""
    if isinstance(document, TraceDocument):
        return document
    return TraceDocument(serial_rows=list(document),
                         problems=list(getattr(document, "problems", [])))


def apply(session: Session, document: TraceDocument | Sequence[SerialRow], source_name: str,
          progress: Callable[[int], Any] | None = None) -> ImportSummary:
    """Check ``document`` against the database and, if nothing is wrong, write it (no commit)."""
    plan = check(session, document)
    if plan.problems:
        return ImportSummary(problems=plan.problems)
    return write(session, plan, source_name, progress)


# --- checks -----------------------------------------------------------------------------------


def check(session: Session, document: TraceDocument | Sequence[SerialRow], *,
          enterprise_id: int | None = None) -> Plan:
    """Find every problem that needs the database; format problems stop before the lookups.

    ``enterprise_id`` limits the import to that enterprise's records (see
    :func:`import_trace_document`).
    """
    document = as_document(document)
    plan = Plan(document, list(document.problems))
    if plan.problems:
        return plan
    scoped = enterprise_id is not None
    if (document.enterprise or scoped) and not _load_enterprise(session, plan, enterprise_id):
        return plan
    _load_products(session, plan)
    _check_products(plan)
    _check_batches(plan)
    _load_batches(session, plan)
    _check_serial_rows(plan)
    return plan


def _chunks(values: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(session: Session, query: Select[Any], column: InstrumentedAttribute[Any],
               values: Iterable[Any]) -> list[Any]:
    values = sorted(set(values))
    return [row for chunk in _chunks(values, LOOKUP_CHUNK)
            for row in session.scalars(query.where(column.in_(chunk))).unique()]


def _load_enterprise(session: Session, plan: Plan, enterprise_id: int | None = None) -> bool:
    slug = plan.document.enterprise
    if enterprise_id is not None:
        plan.enterprise = session.get(Enterprise, enterprise_id)
        if plan.enterprise is None:
            raise ValueError(f"no enterprise with id {enterprise_id}")
        if slug and slug != plan.enterprise.slug:
            own = plan.enterprise.slug
            plan.add("document", "enterprise",
                     f"此文件属于企业“{slug}”，这里只能导入“{own}”的数据",
                     f"this file is for the enterprise “{slug}”; only data of “{own}” may be "
                     "imported here")
            return False
    else:
        plan.enterprise = session.scalar(select(Enterprise).where(Enterprise.slug == slug))
    if plan.enterprise is None:
        plan.add("document", "enterprise", f"找不到企业“{slug}”", f"no enterprise “{slug}”")
        return False
    slugs = {p.brand for p in plan.document.products}
    plan.brands = {b.slug: b for b in _select_in(session, select(Brand), Brand.slug, slugs)}
    factories = session.scalars(select(Factory).where(Factory.enterprise_id == plan.enterprise.id)
                                .order_by(Factory.id.desc()))
    plan.factories = {f.licence_no: f for f in factories}  # the oldest wins a shared licence
    return True


def _load_products(session: Session, plan: Plan) -> None:
    document = plan.document
    gtins = {p.gtin for p in document.products} | {b.gtin for b in document.batches}
    gtins |= {row.gtin for row in document.serial_rows}
    query = select(Product).options(joinedload(Product.brand).joinedload(Brand.enterprise))
    plan.products = {p.gtin: p for p in _select_in(session, query, Product.gtin, gtins)}


def _owner_problem(plan: Plan, record: str, product: Product | None) -> None:
    """Report a GTIN already owned by another enterprise than the document's."""
    if product is None or plan.enterprise is None:
        return
    owner = product.brand.enterprise
    if owner.id != plan.enterprise.id:
        plan.add(record, "gtin", f"该 GTIN 已属于其他企业（{owner.name_zh}）",
                 f"this GTIN already belongs to another enterprise ({owner.name_en})")


def _check_products(plan: Plan) -> None:
    for record in plan.document.products:
        brand = plan.brands.get(record.brand)
        if brand is None:
            plan.add(record.record, "brand", f"找不到品牌“{record.brand}”",
                     f"no brand “{record.brand}”")
        elif plan.enterprise is None or brand.enterprise_id != plan.enterprise.id:
            plan.add(record.record, "brand", "该品牌属于其他企业",
                     "this brand belongs to another enterprise")
        _owner_problem(plan, record.record, plan.products.get(record.gtin))


def _check_batches(plan: Plan) -> None:
    listed = {p.gtin for p in plan.document.products}
    keys = {f.key for f in plan.document.factories}
    for record in plan.document.batches:
        if record.gtin not in listed:
            product = plan.products.get(record.gtin)
            if product is None:
                plan.add(record.record, "gtin", "未知产品：请先在 products 中列出",
                         "unknown product: list it under products first")
            _owner_problem(plan, record.record, product)
        if record.factory not in keys and record.factory not in plan.factories:
            plan.add(record.record, "factory",
                     f"“{record.factory}”既不是本文件 factories 的 key，"
                     "也不是本企业已有工厂的许可证号",
                     f"“{record.factory}” is neither a key in this file's factories nor the "
                     "licence number of one of the enterprise's factories")


def _load_batches(session: Session, plan: Plan) -> None:
    document = plan.document
    wanted = {(b.gtin, b.lot) for b in document.batches}
    wanted |= {(row.gtin, row.lot) for row in document.serial_rows}
    gtins = {gtin for gtin, _lot in wanted}
    ids = {p.id: gtin for gtin, p in plan.products.items() if gtin in gtins}
    lots = {lot for _gtin, lot in wanted}
    query = select(Batch).where(Batch.lot.in_(lots)) if len(lots) <= LOOKUP_CHUNK else select(Batch)
    for batch in _select_in(session, query, Batch.product_id, ids):
        key = (ids[batch.product_id], batch.lot)
        if key in wanted:
            plan.batches[key] = batch


def _check_serial_rows(plan: Plan) -> None:
    """Report each batch a serial row names that is neither in the database nor the import."""
    imported = {(b.gtin, b.lot) for b in plan.document.batches}
    rows: dict[BatchKey, list[int]] = {}  # first row, number of rows
    for row in plan.document.serial_rows:
        rows.setdefault((row.gtin, row.lot), [row.row, 0])[1] += 1
    for (gtin, lot), (first, count) in rows.items():
        record = f"row {first}"
        if (gtin, lot) not in imported:
            _owner_problem(plan, record, plan.products.get(gtin))
        if (gtin, lot) in imported or (gtin, lot) in plan.batches:
            continue
        also = f"（共 {count} 行）" if count > 1 else ""
        also_en = f" ({count} rows)" if count > 1 else ""
        plan.add(record, "lot", f"找不到批次：GTIN {gtin} 批号 {lot}{also}",
                 f"no batch with GTIN {gtin} and lot {lot}{also_en}")


# --- writes -----------------------------------------------------------------------------------


def write(session: Session, plan: Plan, source_name: str,
          progress: Callable[[int], Any] | None = None) -> ImportSummary:
    """Write a checked plan in the current transaction; the caller commits or rolls back."""
    if plan.problems:
        raise ValueError("a plan with problems must not be written")
    summary = ImportSummary()
    factories = _write_factories(session, plan, summary)
    products = _write_products(session, plan, summary)
    session.flush()
    source = (f"企业追溯数据导入（{source_name}）"[:200],
              f"enterprise trace import ({source_name})"[:200])
    fresh = _write_batches(session, plan, factories, products, source, summary)
    session.flush()
    _write_serials(session, plan, fresh, summary, progress)
    return summary


def stated(values: dict) -> dict:
    """Keep the values a file states: an empty or missing optional field never erases what is
    stored (clearing a value is an explicit correction, with a reason, on the web form)."""
    return {name: value for name, value in values.items() if value not in (None, "", [], {})}


def _changed(record: object, values: dict) -> bool:
    values = stated(values)
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    return bool(changed)


def _write_factories(session: Session, plan: Plan, summary: ImportSummary) -> dict[str, Factory]:
    """Create or update the file's factories; return every factory a batch may name."""
    by_ref = dict(plan.factories)
    for record in plan.document.factories:
        values = {name: getattr(record, name) for name in FACTORY_FIELDS}
        factory = plan.factories.get(record.licence_no)
        if factory is None:
            factory = Factory(enterprise=plan.enterprise, licence_no=record.licence_no, **values)
            session.add(factory)
            summary.factories_created += 1
        elif _changed(factory, values):
            summary.factories_updated += 1
        by_ref[record.key] = factory
    return by_ref


def _write_products(session: Session, plan: Plan, summary: ImportSummary) -> dict[str, Product]:
    products = dict(plan.products)
    for record in plan.document.products:
        values = {name: getattr(record, name) for name in PRODUCT_FIELDS}
        values["brand"] = plan.brands[record.brand]
        product = products.get(record.gtin)
        if product is None:
            products[record.gtin] = product = Product(gtin=record.gtin, **values)
            session.add(product)
            summary.products_created += 1
        elif _changed(product, values):
            summary.products_updated += 1
        else:
            summary.products_unchanged += 1
    return products


def _write_batches(session: Session, plan: Plan, factories: dict[str, Factory],
                   products: dict[str, Product], source: tuple[str, str],
                   summary: ImportSummary) -> dict[BatchKey, tuple[Batch, bool]]:
    """Create, correct or keep each batch; return them by key, flagged True when new."""
    batches: dict[BatchKey, tuple[Batch, bool]] = {k: (b, False) for k, b in plan.batches.items()}
    for record in plan.document.batches:
        key = (record.gtin, record.lot)
        values = _batch_values(record, factories[record.factory])
        batch = plan.batches.get(key)
        if batch is None:
            batch = Batch(product=products[record.gtin], lot=record.lot, source=source[0],
                          source_en=source[1], version=1, **values)
            session.add(batch)
            batches[key] = (batch, True)
            summary.batches_created += 1
        elif _correct(session, batch, values, source):
            summary.batches_corrected += 1
        else:
            summary.batches_unchanged += 1
    return batches


def _batch_values(record: BatchRecord, factory: Factory) -> dict:
    return {"factory": factory, **{name: getattr(record, name) for name in BATCH_FIELDS}}


def _correct(session: Session, batch: Batch, values: dict, source: tuple[str, str]) -> bool:
    """Keep the batch's current values as a revision and apply ``values``, if they differ."""
    values = stated(values)
    if all(getattr(batch, name) == value for name, value in values.items()):
        return False
    session.add(BatchRevision(batch_id=batch.id, version=batch.version, data=snapshot(batch)))
    _changed(batch, values)
    batch.source, batch.source_en = source
    batch.version += 1
    return True


def snapshot(batch: Batch) -> dict:
    """Return a batch's published values as JSON, to keep when it is corrected."""
    factory = batch.factory
    return {
        "version": batch.version, "lot": batch.lot,
        "factory": {"id": factory.id, "licence_no": factory.licence_no,
                    "name_zh": factory.name_zh, "name_en": factory.name_en},
        "produced_on": batch.produced_on.isoformat(),
        "best_before": batch.best_before.isoformat(),
        "milk_source": batch.milk_source, "raw_materials": batch.raw_materials,
        "release_inspection": batch.release_inspection, "source": batch.source,
        "source_en": batch.source_en,
        "updated_at": batch.updated_at.isoformat() if batch.updated_at else None,
    }


def _serial_groups(document: TraceDocument) -> dict[BatchKey, list[str]]:
    groups: dict[BatchKey, list[str]] = {}
    for record in document.batches:
        if record.serials:
            groups.setdefault((record.gtin, record.lot), []).extend(record.serials)
    mixed = bool(groups) and bool(document.serial_rows)
    for row in document.serial_rows:
        groups.setdefault((row.gtin, row.lot), []).append(row.serial)
    if mixed:  # the same serial may be both in a batch's list and in the CSV
        groups = {key: list(dict.fromkeys(serials)) for key, serials in groups.items()}
    return groups


def _write_serials(session: Session, plan: Plan, batches: dict[BatchKey, tuple[Batch, bool]],
                   summary: ImportSummary, progress: Callable[[int], Any] | None) -> None:
    """Insert serials in chunks, skipping those already registered for their batch."""
    for key, serials in _serial_groups(plan.document).items():
        batch, new = batches[key]
        known = set() if new else _registered(session, batch.id)
        for chunk in _chunks(serials, SERIAL_CHUNK):
            fresh = [serial for serial in chunk if serial not in known] if known else chunk
            if fresh:
                session.execute(insert(RegisteredSerial),
                                [{"batch_id": batch.id, "serial": s} for s in fresh])
            summary.serials_registered += len(fresh)
            summary.serials_already += len(chunk) - len(fresh)
            if progress:
                progress(len(chunk))


def _registered(session: Session, batch_id: int) -> set[str]:
    """Return the serials already registered for a batch (one streamed, indexed query)."""
    query = select(RegisteredSerial.serial).where(RegisteredSerial.batch_id == batch_id)
    return set(session.scalars(query.execution_options(yield_per=50_000)))
