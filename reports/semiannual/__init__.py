"""The semi-annual report as the gmina sends it to the voivode: the form's rows (`form`)."""
