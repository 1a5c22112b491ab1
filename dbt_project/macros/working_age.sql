{% macro working_age_share(age_from, age_to, lower_age, upper_age, open_band_width=none) %}
{#- Share of an age band [age_from, age_to) that lies inside working age [lower_age, upper_age), assuming
    ages are spread evenly within the band: a band straddling a fractional bound (60.5) is split in
    proportion to the years it covers. An open top band (age_to null) is given a nominal width
    (var open_age_band_width, default 5 years) so that it can be split too; with the usual bounds the top
    band (80+) lies wholly above working age and the width does not matter. -#}
{%- set width = open_band_width if open_band_width is not none else var('open_age_band_width', 5) -%}
{%- set band_end = 'coalesce(' ~ age_to ~ ', ' ~ age_from ~ ' + ' ~ width ~ ')' -%}
greatest(
    0.0,
    least({{ band_end }}, {{ upper_age }}) - greatest({{ age_from }}, {{ lower_age }})
) / ({{ band_end }} - {{ age_from }})
{% endmacro %}
