"""What goes into the search index for each kind of record."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.core.content import Library
from formulatrust.domain.aliases import mentioned_terms, value_terms
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.learn.models import Article
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.search import Document
from formulatrust.search.vocabularies import vocabulary

ID_BITS = 40  # result ids below 2**40 leave the day above them in one sortable number


def enterprise_document(enterprise: Enterprise) -> Document:
    """Index an enterprise by its names, address, licence and credit code, and its district
    by every name the vocabulary gives it."""
    return Document("enterprise", enterprise.slug, enterprise.name_zh, enterprise.name_en,
                    " ".join((enterprise.address_zh, enterprise.address_en,
                              enterprise.licence_no, enterprise.credit_code)),
                    aliases=joined(district_terms(enterprise)))


def district_terms(enterprise: Enterprise | None) -> list[str]:
    """Return the enterprise's district in both languages with the vocabulary's other names."""
    if enterprise is None:
        return []
    names = [enterprise.district_zh, enterprise.district_en]
    return list(dict.fromkeys(names + value_terms(vocabulary(), names, "places")))


def joined(terms: Iterable[str]) -> str:
    """Return searched-only terms as one text (a line each, so no term runs into the next)."""
    return "\n".join(dict.fromkeys(term for term in terms if term))


def brand_document(brand: Brand, showcase: str = "") -> Document:
    """Index a brand with its enterprise, its products' names and GTINs, and its showcase."""
    products = " ".join(f"{p.name_zh} {p.name_en} {p.gtin}" for p in brand.products)
    return Document("brand", brand.slug, brand.name_zh, brand.name_en,
                    f"{brand.enterprise.name_zh} {brand.enterprise.name_en} {products} {showcase}")


def showcase_text(library: Library | None, slug: str) -> str:
    """Return the published showcase of brand ``slug`` in both languages, for the index."""
    versions = library.folders.get("brands", {}).get(slug, {}) if library is not None else {}
    return " ".join(f"{page.title} {page.summary} {page.text}" for page in versions.values())


def brand_showcase_text(session: Session, brand: Brand, library: Library | None = None) -> str:
    """Return the showcase readers see for ``brand``: the published web one, else the file."""
    from formulatrust.brands.showcases import published_for, search_text

    published = published_for(session, brand.id)
    return search_text(published) if published is not None else showcase_text(library,
                                                                                 brand.slug)


def result_document(result: SamplingResult) -> Document:
    """Index a sampling result by product, brand, enterprise, unit, failed item, lab, notice,
    with the values /results filters and counts by and its place in the newest-first order;
    English names and the vocabulary's terms for what it names are searched too."""
    items = " ".join(f"{f.item} {f.measured}" for f in result.failed_items)
    body = " ".join(filter(None, (
        result.enterprise_name, result.trademark, result.sampled_unit, result.province, items,
        result.lab, result.announcement_no, result.task_source, result.lot, result.sample_no,
        result.category, "不合格 non-compliant" if not result.compliant else "合格 compliant")))
    product = result.product
    return Document("result", str(result.id), result.product_name,
                    product.name_en if product and product.name_en else result.product_name,
                    body, filters=result_filters(result), order=newest_first(result),
                    aliases=joined(result_aliases(result)))


def result_aliases(result: SamplingResult) -> list[str]:
    """Return what else a result is found by: the English names of its product, brand,
    enterprise, lab and sampled unit, its enterprise's district, and every term of the
    vocabulary entries its failed items, measured phrases, province and categories name."""
    known = vocabulary()
    product, enterprise = result.product, result.enterprise
    names = [product.name_en if product else "", product.brand.name_en if product else "",
             enterprise.name_en if enterprise else "", result.lab_en,
             result.sampled_unit_en]
    items = [value for failed in result.failed_items
             for value in (failed.item, failed.item_raw)]
    measured = [failed.measured for failed in result.failed_items]
    return (names + district_terms(enterprise) + value_terms(known, items, "test_items")
            + value_terms(known, measured, "phrases", scan=False)
            + value_terms(known, raw_and_canonical(result, "province"), "places")
            + value_terms(known, raw_and_canonical(result, "category")
                          + raw_and_canonical(result, "subcategory"), "categories", "stages"))


def raw_and_canonical(record: object, name: str) -> list[str]:
    """Return a field's value and, where the record keeps it apart, the text as published."""
    return [getattr(record, name, ""), getattr(record, f"{name}_raw", "")]


def result_filters(result: SamplingResult) -> tuple[tuple[str, str], ...]:
    """Return the values /results filters by (as ``results.query.conditions`` compares them)."""
    announced = result.announced_on
    pairs = [("year", str(announced.year) if announced else ""),
             ("compliant", "yes" if result.compliant else "no"),
             ("enterprise", result.enterprise_name), ("category", result.category),
             ("province", result.province), ("lab", result.lab)]
    pairs += [("item", item) for item in dict.fromkeys(f.item for f in result.failed_items)]
    return tuple((name, value) for name, value in pairs if value)


def newest_first(result: SamplingResult) -> int:
    """Return the result's rank in /results' date order: announced day, then id (no day:
    last, as ``results.query`` orders them)."""
    announced = result.announced_on
    return ((announced.toordinal() if announced else 0) << ID_BITS) | result.id



def article_documents(library: Library,
                      session: Session | None = None) -> Iterator[Document]:
    """Index each published learn article, both languages in one document: the database's,
    then the files' the database does not have yet."""
    stored = [] if session is None else session.scalars(
        select(Article).where(Article.published_version_id.is_not(None))
        .options(selectinload(Article.versions)).order_by(Article.slug)).all()
    for article in stored:
        yield stored_article_document(article)
    known = {article.slug for article in stored}
    for slug, versions in sorted(library.folders.get("learn", {}).items()):
        if slug in known or (session is not None and has_draft(session, slug)):
            continue
        zh, en = versions.get("zh"), versions.get("en")
        body = " ".join(f"{page.summary} {page.text}" for page in versions.values())
        first = zh or en
        assert first is not None  # an article's folder holds at least one language
        yield Document("article", slug, first.title, (en or first).title, body)


def stored_article_document(article: Article) -> Document:
    """The published version of an article kept in the database, both languages."""
    version = article.published
    assert version is not None  # only published articles are indexed
    body = " ".join((version.summary_zh, version.body_zh, version.summary_en, version.body_en))
    return Document("article", article.slug, version.title_zh or version.title_en,
                    version.title_en or version.title_zh, body)


def has_draft(session: Session, slug: str) -> bool:
    """An article in the database, not yet published: its file is no longer shown either."""
    return session.scalar(select(Article.id).where(Article.slug == slug)) is not None


def bulletin_document(bulletin: Bulletin) -> Document:
    """Index a bulletin in both languages, with its organisation and its tables' headings
    (a stage or category heading also by the vocabulary's names for it)."""
    tables = " ".join(" ".join((table.get("title_zh", ""), table.get("title_en", ""),
                                table.get("period", ""), *table.get("series", [])))
                      for table in bulletin.statistics or [])
    body = " ".join((bulletin.organisation_zh, bulletin.organisation_en, bulletin.summary_zh,
                     bulletin.summary_en, bulletin.body_zh, bulletin.body_en, tables))
    headings = [name for table in bulletin.statistics or []
                for name in (*table.get("series", []),
                             *(row.get("period", "") for row in table.get("rows", [])))]
    return Document("bulletin", bulletin.slug, bulletin.title_zh,
                    bulletin.title_en or bulletin.title_zh, body,
                    aliases=joined(value_terms(vocabulary(), headings, "stages", "categories",
                                               scan=False)))


def recall_document(recall: Recall) -> Document:
    """Index a recall by product, brand, enterprise, lots, reason and what to do."""
    product = recall.product
    enterprise = product.brand.enterprise
    body = " ".join((product.gtin, product.brand.name_zh, product.brand.name_en,
                     enterprise.name_zh, enterprise.name_en, " ".join(recall.lots or []),
                     recall.reason_zh, recall.reason_en, recall.action_zh, recall.action_en,
                     "召回 recall"))
    mentioned = mentioned_terms(vocabulary(), (recall.reason_zh, recall.reason_en),
                                "test_items")
    return Document("recall", str(recall.id), f"召回：{product.name_zh}",
                    f"Recall: {product.name_en}", body,
                    aliases=joined(mentioned + district_terms(enterprise)))


def all_documents(session: Session, library: Library | None = None) -> Iterator[Document]:
    """Yield a document for every indexed record (and every article, given the library)."""
    if library is not None:
        yield from article_documents(library, session)
    for enterprise in session.scalars(select(Enterprise).order_by(Enterprise.id)):
        yield enterprise_document(enterprise)
    brands = select(Brand).options(selectinload(Brand.products), selectinload(Brand.enterprise))
    for brand in session.scalars(brands.order_by(Brand.id)):
        yield brand_document(brand, brand_showcase_text(session, brand, library))
    results = select(SamplingResult).options(
        selectinload(SamplingResult.failed_items), selectinload(SamplingResult.enterprise),
        selectinload(SamplingResult.product).selectinload(Product.brand))
    for result in session.scalars(results.order_by(SamplingResult.id)):
        yield result_document(result)
    recalls = select(Recall).options(
        selectinload(Recall.product).selectinload(Product.brand).selectinload(Brand.enterprise))
    for recall in session.scalars(recalls.order_by(Recall.id)):
        yield recall_document(recall)
    # Scheduled bulletins too: search results leave them out until they are due.
    published = select(Bulletin).where(Bulletin.status == "published")
    for bulletin in session.scalars(published.order_by(Bulletin.id)):
        yield bulletin_document(bulletin)
