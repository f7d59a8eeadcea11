"""Court requests and opinions (art. 15 ust. 1 pkt 17 of the Act): the court's letter, the opinion
drafted from the case data, its versions, approval and dispatch."""
