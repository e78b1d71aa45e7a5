{{- define "contoso-pets.labels" -}}
app.kubernetes.io/part-of: contoso-pets
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
