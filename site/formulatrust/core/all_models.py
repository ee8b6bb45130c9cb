"""Every area's models, imported together so the metadata and the mappers know every table."""

from formulatrust.brands import models as brands
from formulatrust.core import change_feed, outbox
from formulatrust.core.models import Base
from formulatrust.enterprises import models as enterprises
from formulatrust.follow import models as follow
from formulatrust.industry import models as industry
from formulatrust.learn import models as learn
from formulatrust.open_days import models as open_days
from formulatrust.publishing import models as publishing
from formulatrust.publishing.bulletins import models as bulletins
from formulatrust.results import models as results
from formulatrust.scan import models as scan

AREAS = (change_feed, outbox, follow, brands, enterprises,
         open_days, publishing, bulletins, results, scan, industry, learn)
metadata = Base.metadata
