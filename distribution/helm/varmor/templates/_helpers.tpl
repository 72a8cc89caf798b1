{{/* Common labels. */}}
{{- define "varmor.labels" -}}
app.kubernetes.io/name: varmor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "varmor.managerSelector" -}}
app.kubernetes.io/name: varmor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: manager
{{- end }}

{{- define "varmor.agentSelector" -}}
app.kubernetes.io/name: varmor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end }}

{{/* image: registry/namespace/name:tag */}}
{{- define "varmor.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $tag := default $root.Chart.AppVersion $root.Values.image.tag -}}
{{- $prefix := list $root.Values.image.registry $root.Values.image.namespace | compact | join "/" -}}
{{- if $prefix }}{{ printf "%s/%s:%s" $prefix $name $tag }}{{ else }}{{ printf "%s:%s" $name $tag }}{{ end -}}
{{- end }}

{{- define "varmor.tlsSecret" -}}
{{- if eq .Values.webhook.tls.mode "existingSecret" }}{{ required "webhook.tls.existingSecret is required in mode existingSecret" .Values.webhook.tls.existingSecret }}{{ else }}varmor-webhook-tls{{ end -}}
{{- end }}

{{- define "varmor.certManager" -}}
{{- if eq .Values.webhook.tls.mode "certManager" }}true{{ end -}}
{{- end }}

{{- define "varmor.operatorCerts" -}}
{{- if eq .Values.webhook.tls.mode "operator" }}true{{ end -}}
{{- end }}

{{/* Kubernetes >= 1.30: AppArmor in securityContext instead of annotations. */}}
{{- define "varmor.appArmorGA" -}}
{{- if semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version }}true{{ end -}}
{{- end }}

{{- define "varmor.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}
