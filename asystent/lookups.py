"""Integer `in` lookups that leave out numbers no integer column can hold.

Django already answers `pk=10**23` with "no match" (IntegerFieldOverflow on exact and the
comparisons) but passes such a number on in an `in` list, which SQLite's driver cannot bind
(OverflowError: a server error where a multiple-choice form should say "not a valid choice").
Registered on IntegerField, so every integer and auto field, primary keys included, uses it.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerIn(In):
    def process_rhs(self, compiler, connection):  # noqa: ANN001, ANN201 - Django's signature
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
