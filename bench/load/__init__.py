"""The load run: a city centre's working day against the production shape (`make load`)."""
