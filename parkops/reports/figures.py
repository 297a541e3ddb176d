"""The report card is where every app's figures are shown: lists reached from one
of its figures link back here (``core.figures.card_page``)."""

from parkops.core.figures import declare_card_page

declare_card_page("reports:card")
