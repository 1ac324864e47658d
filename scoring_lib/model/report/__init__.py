"""Report figures: the frames (:mod:`.eda`) and matplotlib figures (:mod:`.plots`) that the
report notebooks show."""
